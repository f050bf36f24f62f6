# The Debian package: `cmake -S . -B build -DCMAKE_INSTALL_PREFIX=/usr &&
# cmake --build build --target package` writes build/mana-auth_<version>_amd64.deb.
# The binary, man pages and completions come from the install rules of the
# top CMakeLists.txt; the systemd units, the example environment file and
# catalog, copyright and changelog from here.
set(MANA_DIST ${CMAKE_CURRENT_LIST_DIR})

# The units name the installed binary and environment file; they go where
# systemd's own units are (pkg-config systemd) under /usr, else under the
# prefix, which systemd reads too (/usr/local/lib/systemd/system).
set(MANA_ENV_DIR ${CMAKE_INSTALL_FULL_SYSCONFDIR}/mana-auth)
set(MANA_ENV_FILE ${MANA_ENV_DIR}/mana-auth.env)
set(MANA_UNIT_DIR lib/systemd/system)
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    pkg_get_variable(MANA_UNIT_DIR systemd systemdsystemunitdir)
    if(NOT MANA_UNIT_DIR)
        set(MANA_UNIT_DIR /lib/systemd/system)
    endif()
endif()
file(READ ${MANA_DIST}/hardening.conf MANA_HARDENING)
string(STRIP "${MANA_HARDENING}" MANA_HARDENING)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${MANA_DIST}/hardening.conf)
# The recommended pair (README, "Running reconcile from cron"), from one
# template: everything hourly, what is new every minute; each run bounded
# in time (TimeoutStartSec; a timer starts no unit that is still running).
set(RECONCILE_WHAT "every user and Space")
set(RECONCILE_SCOPE "")
set(RECONCILE_METRICS mana_auth.prom)
set(RECONCILE_BOUND_VARIABLE MANA_AUTH_MAX_WRITES)
# A unit file doubles % (systemd specifiers).
set(RECONCILE_BOUND 5%%)
set(RECONCILE_TIMEOUT 50min)
configure_file(${MANA_DIST}/mana-auth-reconcile.service.in
               ${CMAKE_BINARY_DIR}/dist/mana-auth-reconcile.service @ONLY)
set(RECONCILE_WHAT "the users and Spaces new in the last 15 minutes")
set(RECONCILE_SCOPE "--since 15m ")
set(RECONCILE_METRICS mana_auth_since.prom)
set(RECONCILE_BOUND_VARIABLE MANA_AUTH_SINCE_MAX_WRITES)
set(RECONCILE_BOUND 1000)
set(RECONCILE_TIMEOUT 10min)
configure_file(${MANA_DIST}/mana-auth-reconcile.service.in
               ${CMAKE_BINARY_DIR}/dist/mana-auth-reconcile-since.service @ONLY)
configure_file(${MANA_DIST}/mana-auth-check.service.in
               ${CMAKE_BINARY_DIR}/dist/mana-auth-check.service @ONLY)
foreach(unit mana-auth-reconcile mana-auth-reconcile-since mana-auth-check)
    install(FILES ${CMAKE_BINARY_DIR}/dist/${unit}.service ${MANA_DIST}/${unit}.timer
            DESTINATION ${MANA_UNIT_DIR})
endforeach()
# Readable by root only: a connection password may stand in it.
install(FILES ${MANA_DIST}/mana-auth.env DESTINATION ${MANA_ENV_DIR}
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)

# The changelog must agree with the version the package gets.
file(STRINGS ${MANA_DIST}/changelog changelog_head LIMIT_COUNT 1)
if(NOT changelog_head MATCHES "^mana-auth \\(${PROJECT_VERSION}\\) ")
    message(FATAL_ERROR "cli/dist/changelog starts with '${changelog_head}': add an entry for "
                        "${PROJECT_VERSION}, the version in CMakeLists.txt")
endif()
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/dist/changelog.gz
                   COMMAND gzip -9n -c ${MANA_DIST}/changelog > ${CMAKE_BINARY_DIR}/dist/changelog.gz
                   DEPENDS ${MANA_DIST}/changelog)
# The operator's manual beside them, and the documents it links to under
# docs/ as the links name them, compressed as dh_compress would.
set(mana_manual README.md docs/decisions.md docs/development.md docs/performance.md)
set(mana_manual_gz)
foreach(document ${mana_manual})
    set(compressed ${CMAKE_BINARY_DIR}/dist/${document}.gz)
    get_filename_component(subdirectory ${document} DIRECTORY)
    add_custom_command(OUTPUT ${compressed}
                       COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/dist/${subdirectory}
                       COMMAND gzip -9n -c ${PROJECT_SOURCE_DIR}/${document} > ${compressed}
                       DEPENDS ${PROJECT_SOURCE_DIR}/${document})
    install(FILES ${compressed} DESTINATION ${CMAKE_INSTALL_DOCDIR}/${subdirectory})
    list(APPEND mana_manual_gz ${compressed})
endforeach()
add_custom_target(changelog ALL DEPENDS ${CMAKE_BINARY_DIR}/dist/changelog.gz ${mana_manual_gz})
install(FILES ${MANA_DIST}/copyright ${CMAKE_BINARY_DIR}/dist/changelog.gz
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
# The compiler's .comment section, which dh_strip removes too.
install(CODE "execute_process(COMMAND ${CMAKE_OBJCOPY} --remove-section=.comment
                  \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/mana-auth\"
                  COMMAND_ERROR_IS_FATAL ANY)")
# The built-in catalog of singleton kinds, a start for one of the platform's own.
install(FILES ${PROJECT_SOURCE_DIR}/core/sync/builtin_catalog.json
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples RENAME catalog.json)
install(FILES ${MANA_DIST}/lintian-overrides DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides
        RENAME mana-auth)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mana-auth)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER
    "mana-auth maintainers <maintainers@users.noreply.b-seed-f46ef09c.example>")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The extended lines without their leading space: CPack adds it.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "register Better Auth users and converge their sync singletons
mana-auth is the Mana platform's operators' tool for its authentication
service (Better Auth on PostgreSQL) and its sync service's change log. It
registers users exactly as the service's sign-up does, and writes every
missing per-user and per-Space default document (userContext, kontextDoc)
into the change log, by hand or from the packaged systemd timer.")
# Depends from the binary's own libraries (dpkg-shlibdeps), and the
# helpers the maintainer scripts call (deb-systemd-helper debian-installed).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "init-system-helpers (>= 1.52)")
# dev up needs PostgreSQL's server binaries; nothing else does.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "postgresql")
# The project has no public site of its own yet: whoever builds the release
# names it. Without one the field is left out, as Debian policy (5.6.23)
# allows, rather than naming a page that is not the project's.
set(MANA_HOMEPAGE "" CACHE STRING "The package's Homepage field: the project's https:// URL (none if empty)")
if(MANA_HOMEPAGE AND NOT MANA_HOMEPAGE MATCHES "^https://[^ /]+\\.[^ ]+$")
    message(FATAL_ERROR "MANA_HOMEPAGE is '${MANA_HOMEPAGE}': give the project's https:// URL, or leave it empty")
endif()
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE ${MANA_HOMEPAGE})
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${MANA_DIST}/conffiles ${MANA_DIST}/postinst ${MANA_DIST}/prerm
    ${MANA_DIST}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
# /etc and /lib/systemd are outside the prefix: staged under DESTDIR.
set(CPACK_SET_DESTDIR ON)
# A package for /usr/local would put files where Debian packages must not.
set(CPACK_MANA_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_PROJECT_CONFIG_FILE ${MANA_DIST}/cpack_checks.cmake)
include(CPack)
