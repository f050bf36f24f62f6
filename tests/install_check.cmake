# cmake -DBUILD=<build dir> -DSTAGE=<scratch dir> -DPREFIX=<install prefix>
#       -DUNIT_DIR=<unit dir> -DENV_FILE=<environment file> -P install_check.cmake
# Installs the build under a scratch DESTDIR (never into the machine) and
# checks that everything lands where its user looks for it.
file(REMOVE_RECURSE ${STAGE})
execute_process(COMMAND ${CMAKE_COMMAND} -E env DESTDIR=${STAGE} ${CMAKE_COMMAND} --install ${BUILD}
                RESULT_VARIABLE result OUTPUT_QUIET)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "cmake --install failed: ${result}")
endif()
if(NOT IS_ABSOLUTE ${UNIT_DIR})
    set(UNIT_DIR ${PREFIX}/${UNIT_DIR})
endif()
set(expected ${PREFIX}/bin/mana-auth
             ${PREFIX}/share/bash-completion/completions/mana-auth
             ${PREFIX}/share/zsh/vendor-completions/_mana-auth
             ${PREFIX}/share/fish/vendor_completions.d/mana-auth.fish
             ${PREFIX}/share/doc/mana-auth/copyright
             ${PREFIX}/share/doc/mana-auth/changelog.gz
             ${PREFIX}/share/doc/mana-auth/README.md.gz
             ${PREFIX}/share/doc/mana-auth/docs/decisions.md.gz
             ${PREFIX}/share/doc/mana-auth/docs/development.md.gz
             ${PREFIX}/share/doc/mana-auth/docs/performance.md.gz
             ${PREFIX}/share/doc/mana-auth/examples/catalog.json
             ${ENV_FILE})
foreach(page mana-auth mana-auth-register mana-auth-verify-password mana-auth-export mana-auth-bootstrap mana-auth-reconcile mana-auth-doctor
             mana-auth-catalog mana-auth-dev mana-auth-completions)
    list(APPEND expected ${PREFIX}/share/man/man1/${page}.1.gz)
endforeach()
foreach(unit mana-auth-reconcile mana-auth-reconcile-since mana-auth-check)
    list(APPEND expected ${UNIT_DIR}/${unit}.service ${UNIT_DIR}/${unit}.timer)
endforeach()
foreach(path ${expected})
    if(NOT EXISTS ${STAGE}${path})
        message(FATAL_ERROR "not installed: ${path}")
    endif()
endforeach()
# The pair: the full run and the --since run, each settled, bounded (a
# default the environment file may override) and into its own metrics file.
foreach(unit_and_run
        "mana-auth-reconcile|reconcile --all --min-age 1m --max-writes \${MANA_AUTH_MAX_WRITES} --wait --quiet --metrics-file /run/mana-auth/mana_auth.prom|MANA_AUTH_MAX_WRITES=5%%"
        "mana-auth-reconcile-since|reconcile --all --since 15m --min-age 1m --max-writes \${MANA_AUTH_SINCE_MAX_WRITES} --wait --quiet --metrics-file /run/mana-auth/mana_auth_since.prom|MANA_AUTH_SINCE_MAX_WRITES=1000")
    string(REPLACE "|" ";" unit_and_run "${unit_and_run}")
    list(GET unit_and_run 0 unit)
    list(GET unit_and_run 1 run)
    list(GET unit_and_run 2 bound)
    file(READ ${STAGE}${UNIT_DIR}/${unit}.service text)
    string(FIND "${text}" "ExecStart=${PREFIX}/bin/mana-auth ${run}\n" at)
    string(FIND "${text}" "\nEnvironment=${bound}\n" bound_at)
    if(at EQUAL -1 OR bound_at EQUAL -1 OR NOT text MATCHES "EnvironmentFile=${ENV_FILE}")
        message(FATAL_ERROR "${unit}.service does not run '${run}' with ${bound} and ${ENV_FILE}")
    endif()
endforeach()
execute_process(COMMAND stat -c %a ${STAGE}${ENV_FILE} OUTPUT_VARIABLE mode OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT mode STREQUAL "640")
    message(FATAL_ERROR "${ENV_FILE} has mode ${mode}, not 640")
endif()
file(REMOVE_RECURSE ${STAGE})
