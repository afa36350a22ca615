# Runs each fuzzer in TARGETS (its binary in FUZZER_<target>) over CORPUS/<target>
# and RUNS fresh inputs; new inputs are written under SCRATCH, which starts empty.
foreach(target ${TARGETS})
  set(out ${SCRATCH}/${target})
  file(REMOVE_RECURSE ${out})
  file(MAKE_DIRECTORY ${out})
  execute_process(COMMAND ${FUZZER_${target}} -runs=${RUNS} -timeout=10 -seed=1 -print_final_stats=1
                          ${out} ${CORPUS}/${target}
                  RESULT_VARIABLE status OUTPUT_VARIABLE log ERROR_VARIABLE log)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${target} failed (${status}):\n${log}")
  endif()
  string(REGEX MATCH "stat::number_of_executed_units: *[0-9]+" runs "${log}")
  message(STATUS "${target}: ok, ${runs}")
endforeach()
