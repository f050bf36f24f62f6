# cmake -DBUILD=<build dir> -DPREFIX=<scratch dir> -P install_check.cmake
# Installs the build into a scratch prefix and checks that the binary and
# the three completion scripts land where their shells look for them.
file(REMOVE_RECURSE ${PREFIX})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD} --prefix ${PREFIX}
                RESULT_VARIABLE result OUTPUT_QUIET)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "cmake --install failed: ${result}")
endif()
foreach(path bin/mana-auth
             share/bash-completion/completions/mana-auth
             share/zsh/vendor-completions/_mana-auth
             share/fish/vendor_completions.d/mana-auth.fish)
    if(NOT EXISTS ${PREFIX}/${path})
        message(FATAL_ERROR "not installed: ${path}")
    endif()
endforeach()
file(REMOVE_RECURSE ${PREFIX})
