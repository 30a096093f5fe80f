# SPDX-License-Identifier: MIT
# cmake/SsevalWarnings.cmake - the picky warning sets, checked per compiler.
#
#   sseval_strict_warnings(<target>)  library, CLI, bench, examples, fuzzers
#   sseval_test_warnings(<target>)    test suites (no -Wmissing-prototypes:
#                                     test.h and TEST() use static functions)
#
# SSEVAL_WERROR turns every warning of these targets into an error.

include(CheckCCompilerFlag)

set(_sseval_strict_candidates
    -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow
    -Wstrict-prototypes -Wmissing-prototypes -Wvla)
set(_sseval_test_candidates -Wall -Wextra -Wpedantic -Wno-unused-function)

function(_sseval_check_flags out)
  set(ok)
  foreach(flag IN LISTS ARGN)
    string(MAKE_C_IDENTIFIER "SSEVAL_CC_HAS${flag}" var)
    check_c_compiler_flag("${flag}" ${var})
    if(${var})
      list(APPEND ok "${flag}")
    endif()
  endforeach()
  set(${out} "${ok}" PARENT_SCOPE)
endfunction()

if(MSVC)
  set(SSEVAL_STRICT_WARNINGS /W4)
  set(SSEVAL_TEST_WARNINGS /W3)
  set(_sseval_werror /WX)
else()
  _sseval_check_flags(SSEVAL_STRICT_WARNINGS ${_sseval_strict_candidates})
  _sseval_check_flags(SSEVAL_TEST_WARNINGS ${_sseval_test_candidates})
  set(_sseval_werror -Werror)
endif()

# C flags apply to C sources only; C++ sources (simdjson tests, .cc fuzzers)
# get -Wall -Wextra -Wpedantic.
function(_sseval_apply target c_flags)
  set(cxx_flags -Wall -Wextra -Wpedantic)
  if(MSVC)
    set(cxx_flags /W3)
  endif()
  if(SSEVAL_WERROR)
    list(APPEND c_flags ${_sseval_werror})
    list(APPEND cxx_flags ${_sseval_werror})
  endif()
  target_compile_options(${target} PRIVATE
    "$<$<COMPILE_LANGUAGE:C>:${c_flags}>"
    "$<$<COMPILE_LANGUAGE:CXX>:${cxx_flags}>")
endfunction()

function(sseval_strict_warnings target)
  _sseval_apply(${target} "${SSEVAL_STRICT_WARNINGS}")
endfunction()

function(sseval_test_warnings target)
  _sseval_apply(${target} "${SSEVAL_TEST_WARNINGS}")
endfunction()
