# The Debian package (scripts/package.sh runs cpack): build/package/connfuzz_<version>_amd64.deb,
# with Debian 12 packages as its dependencies.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME connfuzz)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "connfuzz maintainers <maintainers@users.noreply.h-seed-092652fd.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "fuzzing and fault injection for code that calls connect()")
set(CPACK_PACKAGE_DESCRIPTION "connfuzz makes the calls of a connect path (socket, connect, poll, getsockopt,
close, ...) fail with the errnos their documentation allows, feeds malformed
addresses, and holds the code to the contract of connect(). This package has the
library to build your own connect code into a libFuzzer, AFL++ or replay fuzzer
(CMake package, pkg-config modules connfuzz-replay, connfuzz-libfuzzer, connfuzz-afl),
the preload library and the connfuzz command.")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# The command and the preload library lose their debug info; install() strips no static
# library, so the libraries keep theirs for a user's stack traces.
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
# The command and the preload library: what dpkg-shlibdeps finds (libc6, libseccomp2, libstdc++6, ...).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The static libraries: a C or C++ link with libstdc++, and libFuzzer and the sanitizers
# from Debian's clang 14, the compiler they are built with.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6-dev, libstdc++-12-dev, clang, libclang-rt-14-dev")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "pkgconf | pkg-config")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "afl++, cmake")
include(CPack)
