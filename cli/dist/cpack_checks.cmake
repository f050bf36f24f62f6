# Run by cpack before it packages: refuses a package that would install
# under /usr/local, with the one line that fixes it.
if(NOT CPACK_MANA_INSTALL_PREFIX STREQUAL "/usr")
    message(FATAL_ERROR "the Debian package installs under /usr, not ${CPACK_MANA_INSTALL_PREFIX}: "
                        "configure with -DCMAKE_INSTALL_PREFIX=/usr")
endif()
