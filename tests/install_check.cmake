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
             ${ENV_FILE})
foreach(page mana-auth mana-auth-register mana-auth-bootstrap mana-auth-reconcile mana-auth-doctor
             mana-auth-dev mana-auth-completions)
    list(APPEND expected ${PREFIX}/share/man/man1/${page}.1.gz)
endforeach()
foreach(unit mana-auth-reconcile.service mana-auth-reconcile.timer mana-auth-check.service
             mana-auth-check.timer)
    list(APPEND expected ${UNIT_DIR}/${unit})
endforeach()
foreach(path ${expected})
    if(NOT EXISTS ${STAGE}${path})
        message(FATAL_ERROR "not installed: ${path}")
    endif()
endforeach()
file(READ ${STAGE}${UNIT_DIR}/mana-auth-reconcile.service unit)
if(NOT unit MATCHES "ExecStart=${PREFIX}/bin/mana-auth reconcile" OR NOT unit MATCHES "EnvironmentFile=${ENV_FILE}")
    message(FATAL_ERROR "mana-auth-reconcile.service does not name the installed binary and ${ENV_FILE}")
endif()
execute_process(COMMAND stat -c %a ${STAGE}${ENV_FILE} OUTPUT_VARIABLE mode OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT mode STREQUAL "640")
    message(FATAL_ERROR "${ENV_FILE} has mode ${mode}, not 640")
endif()
file(REMOVE_RECURSE ${STAGE})
