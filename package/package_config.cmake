# The CMake package (find_package(connfuzz CONFIG)) and the pkg-config modules, one per
# engine. Both find the installed files relative to themselves, so that the same files
# work under any prefix and unpacked under another root (pkg-config's sysroot).
include(CMakePackageConfigHelpers)

set(cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/connfuzz)
set(pkgconfig_dir ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
# "../../.." and the like: from each file's directory back to the prefix.
file(RELATIVE_PATH CONNFUZZ_CMAKE_TO_PREFIX /prefix/${cmake_dir} /prefix)
file(RELATIVE_PATH CONNFUZZ_PKGCONFIG_TO_PREFIX /prefix/${pkgconfig_dir} /prefix)
string(REGEX REPLACE "/$" "" CONNFUZZ_CMAKE_TO_PREFIX "${CONNFUZZ_CMAKE_TO_PREFIX}")
string(REGEX REPLACE "/$" "" CONNFUZZ_PKGCONFIG_TO_PREFIX "${CONNFUZZ_PKGCONFIG_TO_PREFIX}")

configure_file(connfuzzConfig.cmake.in connfuzzConfig.cmake @ONLY)
# 0.x: a new minor version may change the API (CONNFUZZ_API_VERSION tells at run time).
write_basic_package_version_file(connfuzzConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/connfuzzConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/connfuzzConfigVersion.cmake
  DESTINATION ${cmake_dir})

# connfuzz-<engine>.pc: what each engine adds to the link line, before the library.
set(engine_replay_description "with connfuzz's replay driver as main (runs files and directories of inputs)")
set(engine_replay_libs "-lconnfuzz_replay_main")
set(engine_libfuzzer_description "for libFuzzer (clang; compile your code with -fsanitize=fuzzer)")
set(engine_libfuzzer_libs "-fsanitize=fuzzer")
set(engine_afl_description "for AFL++ (compile and link with afl-clang-fast: -fsanitize=fuzzer becomes its libAFLDriver.a)")
set(engine_afl_libs "-fsanitize=fuzzer")
foreach(engine replay libfuzzer afl)
  set(CONNFUZZ_ENGINE_DESCRIPTION ${engine_${engine}_description})
  set(CONNFUZZ_ENGINE_LIBS ${engine_${engine}_libs})
  configure_file(connfuzz.pc.in connfuzz-${engine}.pc @ONLY)
  install(FILES ${CMAKE_CURRENT_BINARY_DIR}/connfuzz-${engine}.pc DESTINATION ${pkgconfig_dir})
endforeach()
