# Our own code builds with -Wall -Wextra -Werror; CONVIS_SANITIZE adds ASan + UBSan everywhere,
# CONVIS_SANITIZE_THREAD ThreadSanitizer.
function(convis_warnings target)
  target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Werror>)
endfunction()

if(CONVIS_SANITIZE)
  # GCC 12 reports false -Wmaybe-uninitialized in libstdc++'s <regex> (pulled in by Catch2)
  # when ASan instruments it; the warning stays on in normal builds.
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
                      -Wno-maybe-uninitialized)
  add_link_options(-fsanitize=address,undefined)
endif()

if(CONVIS_FUZZ)
  # libFuzzer's coverage hooks in the whole library, ASan + UBSan as in CONVIS_SANITIZE; the
  # fuzz executables add -fsanitize=fuzzer (libFuzzer's main) at link time (fuzz/CMakeLists.txt).
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "CONVIS_FUZZ needs clang (libFuzzer): scripts/fuzz.sh configures it")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()

if(CONVIS_SANITIZE_THREAD)
  # ThreadSanitizer (scripts/sanitize_thread.sh).  The caching allocator and the object pools
  # stay on, so their per-thread lists and cross-thread frees are what TSan watches.
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()
