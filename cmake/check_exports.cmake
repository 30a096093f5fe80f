# SPDX-License-Identifier: MIT
# cmake/check_exports.cmake - ctest `exports`: the shared library exports only
# the public API. Every defined dynamic symbol must be `sseval_<name>`
# (internal helpers are `sseval__<name>` and must stay hidden); toolchain and
# sanitizer symbols are allowed.
#
#   cmake -DNM=<nm> -DLIB=<path to libsseval.so> -P check_exports.cmake
if(NOT NM OR NOT LIB)
  message(FATAL_ERROR "usage: cmake -DNM=nm -DLIB=libsseval.so -P check_exports.cmake")
endif()
execute_process(COMMAND "${NM}" -D --defined-only "${LIB}"
                OUTPUT_VARIABLE out RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} failed on ${LIB}: ${err}")
endif()
string(REPLACE "\n" ";" lines "${out}")
set(bad)
set(count 0)
foreach(line IN LISTS lines)
  # "<address> <type> <name>"; lower-case types are local.
  if(NOT line MATCHES "^[0-9a-fA-F]* ([A-Za-z]) ([^ @]+)")
    continue()
  endif()
  set(type "${CMAKE_MATCH_1}")
  set(name "${CMAKE_MATCH_2}")
  if(NOT type MATCHES "^[A-Z]$" AND NOT type STREQUAL "i")
    continue()
  endif()
  if(name MATCHES "^sseval_[A-Za-z0-9]")
    math(EXPR count "${count} + 1")
  elseif(name MATCHES "^(_init|_fini|_edata|_end|__bss_start|__odr_asan|__asan|__ubsan|__sanitizer|__llvm|__profc|__profd|__start_|__stop_|__gcov)")
  else()
    list(APPEND bad "${name}")
  endif()
endforeach()
if(bad)
  list(JOIN bad "\n  " bad_lines)
  message(FATAL_ERROR "${LIB} exports symbols outside the public API "
          "(make them static, or name them sseval__* and keep them hidden):\n  ${bad_lines}")
endif()
message("${count} public symbols exported, nothing else")
