# recorder.tcl: a dry run of Vivado, Vivado HLS, Vitis HLS and v++ scripts, without the tools.
#
#   tclsh recorder.tcl ?-tool vivado|vivado_hls|vitis_hls|tclsh? ?-log FILE? ?-state FILE?
#                      ?-vivado_version 2020.1|2022.2? ?-hls_interfaces DICT? ?-executable PATH?
#                      SCRIPT ?ARG ...?
#
# Every command of the chosen tool is defined as a recorder: it checks its arguments against the
# command's syntax in AMD's Tcl references (UG835 for Vivado, UG902 for Vivado HLS, UG1399 for
# Vitis HLS, UG1393 for v++), rejects unknown commands, unknown options, missing or malformed
# values, and calls that make no sense in the state the script has built (a cell of an IP the
# catalog does not have, a pin that does not exist, a run that never ran), then writes the call
# as a Tcl list, one per line, to the log. The tools' side effects the scripts depend on are
# emulated on disk: HLS writes RTL, an IP (component.xml with its VLNV) or a kernel .xo; Vivado
# writes the HDL wrapper, the bitstream and the hardware handoff, where the real tools do.
#
# The block design is modelled: cells, their pins as their configuration enables them, interface
# connections (master to slave, stream to stream), nets with one driver, hierarchies, and
# validate_bd_design's check that every clock, reset and interface a cell needs is connected.
# At the end the state is written to the -state file (cells, configurations, connections, runs).
#
# SCRIPT sees ARG ... in $argv (as Vivado's -tclargs and the HLS tools' arguments). Exit status:
# 0 when the script ran through (or called exit 0), 1 when it stopped on its own error, 3 when the
# recorder rejected a call. Messages: "recorder: rejected: ..." and "error: ..." on stderr.
# Commands Tcl 8.6 added (lmap, try, tailcall, ...) are hidden: the tools' Tcl is 8.5.

namespace eval ::rec {
    variable tool vivado
    variable log_path ""
    variable state_path ""
    variable log ""
    variable vivado_version 2020.1
    variable hls_interfaces {}
    variable executable ""
    variable spec
    array set spec {}
    variable warnings {}
    # HLS state.
    variable hls
    array set hls {project "" top "" solution "" part "" clock "" flow vivado files {} tb {}}
    # Vivado state.
    variable prj
    array set prj {name "" dir "" part "" board_part "" repos {} sources {} in_memory 0 design_open 0}
    variable catalog {}
    variable runs
    array set runs {}
    variable bd
    array set bd {name "" file "" validated 0}
    # cells(path) = dict: vlnv, config, automated
    variable cells
    array set cells {}
    # intf(pin path) = peer path ("external" for a port made external)
    variable intf
    array set intf {}
    # net_of(pin path) = net name; net_pins(name) = pins
    variable net_of
    array set net_of {}
    variable net_pins
    array set net_pins {}
}

# --- Rejections and warnings ----------------------------------------------------------------------

proc ::rec::reject {message} {
    return -code error -errorcode {RECORDER REJECT} "recorder: rejected: $message"
}

proc ::rec::warn {message} {
    variable warnings
    lappend warnings $message
    puts stderr "recorder: warning: $message"
}

# --- Command rules ----------------------------------------------------------------------------------
#
# rule TOOLS NAME OPTIONS ?POSITIONAL? ?REQUIRED?
#   TOOLS       the tools that have the command (vivado, hls = both HLS tools, vivado_hls, vitis_hls)
#   OPTIONS     dict -option → kind: flag, val, int, posint, num, bool (HLS: bare or -opt=value),
#               or {one A B ...} (one of the values)
#   POSITIONAL  {min max} positional arguments (max -1: any number)
#   REQUIRED    options that must be given

proc ::rec::rule {tools name options {positional {0 0}} {required {}}} {
    variable spec
    variable tool
    set mine 0
    foreach t $tools {
        if {$t eq $tool || ($t eq "hls" && $tool in {vivado_hls vitis_hls})} {
            set mine 1
        }
    }
    if {!$mine} {
        return
    }
    if {$tool eq "vivado"} {
        # Every Vivado command takes -quiet and -verbose.
        dict set options -quiet flag
        dict set options -verbose flag
    }
    set spec($name) [list options $options positional $positional required $required]
    proc ::$name {args} "::rec::call [list $name] \$args"
}

proc ::rec::check_kind {name option kind value} {
    switch -- [lindex $kind 0] {
        flag - val {}
        int {
            if {![string is integer -strict $value]} {
                reject "$name $option: `$value` is not an integer"
            }
        }
        posint {
            if {![string is integer -strict $value] || $value < 1} {
                reject "$name $option: `$value` is not a positive integer"
            }
        }
        num {
            if {![string is double -strict $value]} {
                reject "$name $option: `$value` is not a number"
            }
        }
        bool {
            if {[string tolower $value] ni {0 1 true false}} {
                reject "$name $option: `$value` is not a boolean (true, false, 1, 0)"
            }
        }
        one {
            if {$value ni [lrange $kind 1 end]} {
                reject "$name $option: `$value` is not one of [join [lrange $kind 1 end] {, }]"
            }
        }
        default {
            error "recorder: bad rule kind $kind"
        }
    }
}

# Parses WORDS by NAME's rule: returns {given positional}, given a dict option → value.
proc ::rec::parse {name words} {
    variable spec
    variable tool
    set rule $spec($name)
    set options [dict get $rule options]
    set given [dict create]
    set positional {}
    set n [llength $words]
    for {set i 0} {$i < $n} {incr i} {
        set word [lindex $words $i]
        if {[string index $word 0] ne "-" || [string length $word] < 2 || [string is double -strict $word]} {
            lappend positional $word
            continue
        }
        set option $word
        set inline ""
        set has_inline 0
        if {$tool ne "vivado" && [regexp {^(-[A-Za-z_0-9]+)=(.*)$} $word -> option inline]} {
            set has_inline 1
        }
        if {![dict exists $options $option]} {
            reject "$name: unknown option $option (the options are [join [lsort [dict keys $options]] {, }])"
        }
        set kind [dict get $options $option]
        if {$kind eq "flag"} {
            if {$has_inline} {
                reject "$name $option takes no value"
            }
            set value 1
        } elseif {$kind eq "bool"} {
            set value [expr {$has_inline ? $inline : 1}]
        } elseif {$has_inline} {
            set value $inline
        } else {
            incr i
            if {$i >= $n} {
                reject "$name $option: missing value"
            }
            set value [lindex $words $i]
        }
        check_kind $name $option $kind $value
        dict set given $option $value
    }
    lassign [dict get $rule positional] min max
    set count [llength $positional]
    if {$count < $min || ($max >= 0 && $count > $max)} {
        set wanted [expr {$max < 0 ? "at least $min" : ($min == $max ? $min : "$min to $max")}]
        reject "$name: $wanted positional argument(s) expected, got $count: $positional"
    }
    foreach option [dict get $rule required] {
        if {![dict exists $given $option]} {
            reject "$name: $option is required"
        }
    }
    return [list $given $positional]
}

proc ::rec::record {words} {
    variable log
    if {$log ne ""} {
        puts $log $words
        flush $log
    }
}

proc ::rec::call {name words} {
    lassign [parse $name $words] given positional
    set result ""
    if {[llength [info commands ::rec::on::$name]]} {
        set result [::rec::on::$name $given $positional]
    }
    record [concat [list $name] $words]
    return $result
}

# --- HLS (UG902 Vivado HLS 2020.1, UG1399 Vitis HLS 2020.2-2023.x) ---------------------------------

proc ::rec::hls_rules {} {
    rule hls open_project {-reset flag} {1 1}
    rule vitis_hls open_project {-reset flag -upgrade flag} {1 1}
    rule hls set_top {} {1 1}
    rule vivado_hls add_files {-tb flag -cflags val -csimflags val} {1 -1}
    rule vitis_hls add_files {-tb flag -cflags val -csimflags val -blackbox val} {1 -1}
    rule vivado_hls open_solution {-reset flag} {1 1}
    rule vitis_hls open_solution {-reset flag -flow_target {one vivado vitis}} {1 1}
    rule vivado_hls set_part {-tool val} {1 1}
    rule vitis_hls set_part {-board flag} {1 1}
    rule hls create_clock {-period val -name val} {0 0} {-period}
    rule hls set_clock_uncertainty {} {1 2}
    rule vivado_hls config_compile {-name_max_length int -no_signed_zeros bool -pipeline_loops int\
        -unsafe_math_optimizations bool -pipeline_style {one stp flp frp} -enable_auto_rewind bool}
    rule vitis_hls config_compile {-name_max_length int -no_signed_zeros bool -pipeline_loops int\
        -unsafe_math_optimizations bool -pipeline_style {one stp flp frp} -enable_auto_rewind bool\
        -pragma_strict_mode bool -ignore_long_run_time bool}
    rule hls config_schedule {-effort {one high medium low} -enable_dsp_full_reg bool\
        -relax_ii_for_timing bool -verbose bool}
    rule vivado_hls config_array_partition {-auto_partition_threshold int -auto_promotion_threshold int\
        -exclude_extern_globals bool -include_extern_globals bool -include_ports bool -maximum_size int\
        -scalarize_all bool -throughput_driven bool}
    rule vitis_hls config_array_partition {-complete_threshold int -throughput_driven {one auto off on}}
    rule vivado_hls config_interface {-clock_enable bool -expose_global bool -m_axi_addr64 bool\
        -m_axi_offset {one off direct slave} -register_io {one off scalar_in scalar_out scalar_all}\
        -trim_dangling_port bool -m_axi_alignment_size int -m_axi_max_bitwidth int\
        -m_axi_max_widen_bitwidth int -m_axi_min_bitwidth int}
    rule vitis_hls config_interface {-clock_enable bool -default_slave_interface {one s_axilite}\
        -m_axi_addr64 bool -m_axi_alignment_byte_size int -m_axi_auto_max_ports bool\
        -m_axi_latency int -m_axi_max_bitwidth int -m_axi_max_read_burst_length int\
        -m_axi_max_widen_bitwidth int -m_axi_max_write_burst_length int -m_axi_min_bitwidth int\
        -m_axi_num_read_outstanding int -m_axi_num_write_outstanding int\
        -m_axi_offset {one off direct slave} -register_io {one off scalar_in scalar_out scalar_all}\
        -s_axilite_data64 bool}
    rule vivado_hls csim_design {-O flag -argv val -clean flag -ldflags val -mflags val -setup flag\
        -compiler {one gcc clang}}
    rule vitis_hls csim_design {-O flag -argv val -clean flag -ldflags val -mflags val -setup flag\
        -profile flag}
    rule vivado_hls csynth_design {}
    rule vitis_hls csynth_design {-dump_cfg flag -dump_post_cfg flag -synthesis_check flag}
    rule vivado_hls cosim_design {-O flag -argv val -bc flag -coverage flag -compiled_library_dir val\
        -disable_deadlock_detection flag -ignore_init int -ldflags val -mflags val -rtl {one verilog vhdl systemc}\
        -setup flag -tool {one auto vcs modelsim riviera isim xsim ncsim xceligen}\
        -trace_level {one none all port port_hier}}
    rule vitis_hls cosim_design {-O flag -argv val -coverage flag -compiled_library_dir val\
        -disable_deadlock_detection flag -disable_dependency_check flag -enable_dataflow_profiling flag\
        -enable_fifo_sizing flag -ldflags val -mflags val -random_stall flag -rtl {one verilog vhdl}\
        -setup flag -stable_axilite_update flag -tool {one auto vcs modelsim riviera xsim ncsim xceligen}\
        -trace_level {one none all port port_hier} -wave_debug flag -user_stall val}
    rule vivado_hls export_design {-description val -display_name val -evaluate {one verilog vhdl}\
        -flow {one syn impl} -format {one ip_catalog sysgen syn_dcp} -ipname val -library val -rtl\
        {one verilog vhdl} -taxonomy val -use_netlist {one none ip_catalog} -vendor val -version val}
    rule vitis_hls export_design {-description val -display_name val -flow {one syn impl}\
        -format {one ip_catalog sysgen syn_dcp xo} -ipname val -library val -output val\
        -rtl {one verilog vhdl} -taxonomy val -vendor val -version val}
    rule hls close_solution {}
    rule hls close_project {}
}

proc ::rec::need_project {name} {
    variable hls
    if {$hls(project) eq ""} {
        reject "$name before open_project"
    }
}

proc ::rec::need_solution {name} {
    variable hls
    need_project $name
    if {$hls(solution) eq ""} {
        reject "$name before open_solution"
    }
}

proc ::rec::solution_dir {} {
    variable hls
    return [file join $hls(project) $hls(solution)]
}

namespace eval ::rec::on {}

proc ::rec::on::open_project {given positional} {
    variable ::rec::hls
    set dir [lindex $positional 0]
    if {[dict exists $given -reset]} {
        file delete -force $dir
    }
    file mkdir $dir
    set hls(project) $dir
    set hls(solution) ""
    set hls(files) {}
    set hls(tb) {}
}

proc ::rec::on::set_top {given positional} {
    ::rec::need_project set_top
    set ::rec::hls(top) [lindex $positional 0]
}

proc ::rec::on::add_files {given positional} {
    variable ::rec::hls
    variable ::rec::tool
    if {$tool eq "vivado"} {
        return [::rec::vivado_add_files $given $positional]
    }
    ::rec::need_project add_files
    foreach arg $positional {
        # An HLS add_files argument may hold several files separated by spaces.
        foreach path $arg {
            if {![file exists $path]} {
                ::rec::reject "add_files: $path does not exist"
            }
            if {[dict exists $given -tb]} {
                if {$path ni $hls(tb)} {
                    lappend hls(tb) $path
                }
            } else {
                if {[file isdirectory $path]} {
                    ::rec::reject "add_files: $path is a folder; design sources are files (folders go with -tb)"
                }
                if {$path ni $hls(files)} {
                    lappend hls(files) $path
                }
            }
        }
    }
}

proc ::rec::on::open_solution {given positional} {
    variable ::rec::hls
    ::rec::need_project open_solution
    set hls(solution) [lindex $positional 0]
    set dir [::rec::solution_dir]
    if {[dict exists $given -reset]} {
        file delete -force $dir
    }
    file mkdir $dir
    set hls(flow) vivado
    if {[dict exists $given -flow_target]} {
        set hls(flow) [dict get $given -flow_target]
    }
}

proc ::rec::valid_part {part} {
    return [regexp {^x[a-z]{1,3}[0-9a-z]+-?[a-z]+[0-9]+-[0-9a-z]+(-[a-z])?$} [string tolower $part]]
}

proc ::rec::on::set_part {given positional} {
    ::rec::need_solution set_part
    set part [lindex $positional 0]
    if {![::rec::valid_part $part]} {
        ::rec::reject "set_part: `$part` is not a part name"
    }
    set ::rec::hls(part) $part
}

proc ::rec::on::create_clock {given positional} {
    ::rec::need_solution create_clock
    set period [dict get $given -period]
    if {![regexp {^([0-9]*\.?[0-9]+)(ns|MHz)?$} $period -> value unit] || $value <= 0} {
        ::rec::reject "create_clock -period: `$period` is not a period (ns) or a frequency (MHz)"
    }
    set ::rec::hls(clock) $period
}

proc ::rec::on::set_clock_uncertainty {given positional} {
    ::rec::need_solution set_clock_uncertainty
    if {![regexp {^[0-9]*\.?[0-9]+%?$} [lindex $positional 0]]} {
        ::rec::reject "set_clock_uncertainty: `[lindex $positional 0]` is neither ns nor a percentage"
    }
}

foreach command {config_compile config_schedule config_array_partition config_interface} {
    proc ::rec::on::$command {given positional} "::rec::need_solution $command"
}

proc ::rec::need_synthesis_inputs {name} {
    variable hls
    need_solution $name
    if {$hls(top) eq ""} {
        reject "$name: no top function (set_top)"
    }
    if {$hls(part) eq ""} {
        reject "$name: no part (set_part)"
    }
    if {[llength $hls(files)] == 0} {
        reject "$name: no design sources (add_files)"
    }
}

proc ::rec::on::csim_design {given positional} {
    ::rec::need_synthesis_inputs csim_design
    if {[llength $::rec::hls(tb)] == 0} {
        ::rec::reject "csim_design: no testbench (add_files -tb)"
    }
}

proc ::rec::write_file {path text} {
    file mkdir [file dirname $path]
    set channel [open $path w]
    puts -nonewline $channel $text
    close $channel
}

proc ::rec::rtl_dir {} {
    return [file join [solution_dir] syn verilog]
}

proc ::rec::on::csynth_design {given positional} {
    variable ::rec::hls
    ::rec::need_synthesis_inputs csynth_design
    if {$hls(clock) eq ""} {
        ::rec::reject "csynth_design: no clock (create_clock)"
    }
    ::rec::write_file [file join [::rec::rtl_dir] $hls(top).v] "// RTL of $hls(top) (recorder)\nmodule $hls(top)();\nendmodule\n"
}

proc ::rec::need_rtl {name} {
    if {![file isdirectory [rtl_dir]]} {
        reject "$name: no RTL: C synthesis (csynth_design) has not run for this solution"
    }
}

proc ::rec::on::cosim_design {given positional} {
    variable ::rec::hls
    ::rec::need_rtl cosim_design
    set sim [file join [::rec::solution_dir] sim]
    ::rec::write_file [file join $sim verilog $hls(top).tcl] "log_wave -r /\nrun all\nquit\n"
    ::rec::write_file [file join $sim verilog run_sim.tcl] "# co-simulation (recorder)\n"
    ::rec::write_file [file join $sim report $hls(top)_cosim.rpt] "Verilog|Pass|\n"
}

proc ::rec::on::export_design {given positional} {
    variable ::rec::hls
    ::rec::need_rtl export_design
    set format ip_catalog
    if {[dict exists $given -format]} {
        set format [dict get $given -format]
    }
    set impl [file join [::rec::solution_dir] impl]
    switch -- $format {
        ip_catalog {
            set vendor xilinx.com
            set library hls
            set version 1.0
            foreach {option var} {-vendor vendor -library library -version version} {
                if {[dict exists $given $option]} {
                    set $var [dict get $given $option]
                }
            }
            if {![regexp {^([0-9]+)\.([0-9]+)(\.[0-9]+)?$} $version -> major minor]} {
                ::rec::reject "export_design -version: `$version` is not major.minor(.revision)"
            }
            set name $hls(top)
            if {[dict exists $given -ipname]} {
                set name [dict get $given -ipname]
            }
            # An IP-XACT VLNV's version is major.minor.
            set xml "<?xml version=\"1.0\"?>\n<spirit:component>\n  <spirit:vendor>$vendor</spirit:vendor>\n"
            append xml "  <spirit:library>$library</spirit:library>\n  <spirit:name>$name</spirit:name>\n"
            append xml "  <spirit:version>$major.$minor</spirit:version>\n</spirit:component>\n"
            ::rec::write_file [file join $impl ip component.xml] $xml
        }
        xo {
            if {$hls(flow) ne "vitis"} {
                ::rec::reject "export_design -format xo: the solution's flow target is $hls(flow);\
                               a Vitis kernel needs open_solution -flow_target vitis"
            }
            set output [file join $impl export.xo]
            if {[dict exists $given -output]} {
                set output [dict get $given -output]
                if {[file extension $output] ne ".xo"} {
                    set output [file join $output $hls(top).xo]
                }
            }
            ::rec::write_file $output "kernel $hls(top) part $hls(part)\n"
        }
        default {
            ::rec::write_file [file join $impl $format $hls(top).$format] "$format (recorder)\n"
        }
    }
}

# --- Vivado (UG835) -------------------------------------------------------------------------------

proc ::rec::vivado_rules {} {
    set getter {-regexp flag -nocase flag -filter val -of_objects val -hierarchical flag}
    rule vivado create_project {-part val -force flag -in_memory flag -ip flag -rtl_kernel flag} {0 2}
    rule vivado current_project {} {0 1}
    rule vivado close_project {-delete flag}
    rule vivado set_property {-dict val} {1 -1}
    rule vivado get_property {-min flag -max flag} {2 2}
    rule vivado update_ip_catalog {-rebuild flag -scan_changes flag -add_ip val -delete_ip val\
        -repo_path val -create_index flag -update_module_ref flag}
    rule vivado get_ipdefs [dict merge $getter {-all flag -name flag -vlnv flag}] {0 -1}
    rule vivado get_board_parts [dict merge $getter {-latest_file_version flag -latest_hw_revision flag}] {0 -1}
    rule vivado get_parts $getter {0 -1}
    rule vivado create_bd_design {-dir val -cell val -mode {one batch} -bdsource val} {1 1}
    rule vivado current_bd_design {} {0 1}
    rule vivado open_bd_design {} {1 1}
    rule vivado close_bd_design {} {1 1}
    rule vivado save_bd_design {} {0 1}
    rule vivado validate_bd_design {-force flag -design val}
    rule vivado startgroup {}
    rule vivado endgroup {}
    rule vivado create_bd_cell {-vlnv val -type {one ip module hier container} -reference val} {1 1} {-type}
    rule vivado apply_bd_automation {-rule val -dict val -config val -opts val} {1 -1} {-rule}
    rule vivado get_bd_cells $getter {0 -1}
    rule vivado get_bd_pins $getter {0 -1}
    rule vivado get_bd_intf_pins $getter {0 -1}
    rule vivado get_bd_ports $getter {0 -1}
    rule vivado get_bd_intf_ports $getter {0 -1}
    rule vivado get_bd_nets $getter {0 -1}
    rule vivado get_bd_addr_segs [dict merge $getter {-excluded flag}] {0 -1}
    rule vivado connect_bd_intf_net {-intf_net val -boundary_type {one upper lower both}} {2 2}
    rule vivado connect_bd_net {-net val -boundary_type {one upper lower both}} {1 -1}
    rule vivado group_bd_cells {-prefix val} {1 -1}
    rule vivado assign_bd_address {-target_address_space val -boundary flag -force flag -offset val\
        -range val -external flag -dict val -export_to_file val -import_from_file val} {0 -1}
    rule vivado make_wrapper {-files val -top flag -testbench flag -inst_template flag -fileset val\
        -import flag -force flag} {0 0} {-files}
    rule vivado get_files [dict merge $getter {-compile_order val -used_in val -references flag -all flag}] {0 -1}
    rule vivado add_files {-fileset val -of_objects val -norecurse flag -copy_to val -force flag\
        -scan_for_includes flag} {0 -1}
    rule vivado read_verilog {-library val -sv flag} {1 1}
    rule vivado get_runs $getter {0 -1}
    rule vivado reset_run {-prev_step flag -from_step val} {1 1}
    rule vivado launch_runs {-jobs posint -scripts_only flag -lsf val -dir val -to_step {one opt_design\
        power_opt_design place_design post_place_power_opt_design phys_opt_design route_design\
        post_route_phys_opt_design write_bitstream write_device_image} -next_step flag -host val\
        -remote_cmd val -email_to val -email_all flag -pre_launch_script val -post_launch_script val\
        -custom_script val -force flag} {1 -1}
    rule vivado wait_on_run {-timeout num} {1 1}
    rule vivado open_run {-name val -pr_config val -disable_incremental_checkpoint flag} {1 1}
    rule vivado synth_design {-name val -part val -constrset val -top val -include_dirs val -generic val\
        -verilog_define val -flatten_hierarchy {one rebuilt full none} -gated_clock_conversion\
        {one off on auto} -directive val -rtl flag -mode {one default out_of_context} -retiming flag\
        -keep_equivalent_registers flag -resource_sharing {one auto on off} -fsm_extraction val\
        -no_lc flag -shreg_min_size int -max_bram int -max_uram int -max_dsp int}
    rule vivado opt_design {-retarget flag -propconst flag -sweep flag -bram_power_opt flag -remap flag\
        -aggressive_remap flag -resynth_area flag -resynth_seq_area flag -directive val -muxf_remap flag\
        -hier_fanout_limit int -bufg_opt flag -shift_register_opt flag -dsp_register_opt flag\
        -control_set_merge flag -merge_equivalent_drivers flag -carry_remap flag -debug_log flag}
    rule vivado report_utilization {-file val -append flag -pblocks val -cells val -evaluate_pblock flag\
        -return_string flag -slr flag -packthru flag -name val -no_primitives flag -omit_locs flag\
        -hierarchical flag -hierarchical_depth int -hierarchical_min_primitive_count int\
        -hierarchical_percentages flag -spreadsheet_file val -spreadsheet_table val -spreadsheet_depth int}
    rule vivado report_timing_summary {-check_timing_verbose flag -delay_type {one max min min_max}\
        -no_detailed_paths flag -setup flag -hold flag -max_paths posint -nworst posint -unique_pins flag\
        -path_type {one end summary full full_clock full_clock_expanded} -report_unconstrained flag\
        -warn_on_violation flag -significant_digits int -no_header flag -file val -append flag -name val\
        -routable_nets flag -return_string flag -datasheet flag -rpx val -cells val}
    rule vivado version {-short flag}
    rule vivado get_ips $getter {0 -1}
    rule vivado generate_target {-force flag} {2 2}
    rule vivado synth_ip {-force flag -jobs posint} {1 1}
}

proc ::rec::need_vivado_project {name} {
    variable prj
    if {$prj(name) eq "" && !$prj(in_memory)} {
        reject "$name with no project open (create_project)"
    }
}

proc ::rec::need_bd {name} {
    variable bd
    need_vivado_project $name
    if {$bd(name) eq ""} {
        reject "$name with no block design (create_bd_design)"
    }
}

# The IP catalog of a Vivado of this version: the IPs block designs of Zynq boards use.
proc ::rec::builtin_catalog {} {
    variable vivado_version
    set catalog {xilinx.com:ip:processing_system7:5.5 xilinx.com:ip:axi_dma:7.1\
        xilinx.com:ip:axi_interconnect:2.1 xilinx.com:ip:smartconnect:1.0 xilinx.com:ip:proc_sys_reset:5.0}
    if {$vivado_version < 2021} {
        lappend catalog xilinx.com:ip:zynq_ultra_ps_e:3.3
    } else {
        lappend catalog xilinx.com:ip:zynq_ultra_ps_e:3.4
    }
    return $catalog
}

proc ::rec::on::create_project {given positional} {
    variable ::rec::prj
    variable ::rec::runs
    variable ::rec::catalog
    if {![dict exists $given -part]} {
        ::rec::reject "create_project: no -part (the project would take a default part)"
    }
    set part [dict get $given -part]
    if {![::rec::valid_part $part]} {
        ::rec::reject "create_project -part: `$part` is not a part name"
    }
    set prj(part) $part
    set catalog [::rec::builtin_catalog]
    if {[dict exists $given -in_memory]} {
        set prj(in_memory) 1
        return
    }
    if {[llength $positional] != 2} {
        ::rec::reject "create_project: a project on disk needs its name and folder"
    }
    lassign $positional name dir
    set xpr [file join $dir $name.xpr]
    if {[file exists $xpr] && ![dict exists $given -force]} {
        ::rec::reject "create_project: $xpr exists (use -force to overwrite it)"
    }
    file mkdir $dir
    ::rec::write_file $xpr "project $name (recorder)\n"
    set prj(name) $name
    set prj(dir) $dir
    array unset runs
    set runs(synth_1) {launched 0 step "" progress 0%}
    set runs(impl_1) {launched 0 step "" progress 0%}
    return $name
}

proc ::rec::on::current_project {given positional} {
    ::rec::need_vivado_project current_project
    return $::rec::prj(name)
}

proc ::rec::on::get_board_parts {given positional} {
    set found {}
    foreach pattern $positional {
        # A board part is vendor:board:name:version; the recorder takes every well-formed one as installed.
        if {[regexp {^[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+:[0-9.]+$} $pattern]} {
            lappend found $pattern
        }
    }
    return $found
}

# The kind of a Vivado object: project, run, cell, file, fileset; "" when unknown.
proc ::rec::kind_of {object} {
    variable prj
    variable runs
    variable cells
    if {$object ne "" && $object eq $prj(name)} {
        return project
    }
    if {[info exists runs($object)]} {
        return run
    }
    if {[info exists cells($object)]} {
        return cell
    }
    if {$object in {sources_1 constrs_1 sim_1}} {
        return fileset
    }
    if {$object in $prj(sources)} {
        return file
    }
    return ""
}

proc ::rec::on::set_property {given positional} {
    if {[dict exists $given -dict]} {
        set pairs [dict get $given -dict]
        set objects $positional
        if {[llength $pairs] % 2} {
            ::rec::reject "set_property -dict: an odd number of words (property value ...)"
        }
    } else {
        if {[llength $positional] < 3} {
            ::rec::reject "set_property: property, value and object(s) expected"
        }
        set pairs [lrange $positional 0 1]
        set objects [lrange $positional 2 end]
    }
    set objects [concat {*}$objects]
    if {[llength $objects] == 0} {
        ::rec::reject "set_property: no object (an empty get_* result?)"
    }
    foreach object $objects {
        set kind [::rec::kind_of $object]
        foreach {property value} $pairs {
            switch -- $kind {
                project { ::rec::set_project_property $property $value }
                cell { ::rec::set_cell_property $object $property $value }
                run - fileset - file {
                    if {![regexp {^(STEPS\.|strategy$|top$|AUTO_INCREMENTAL_CHECKPOINT$|FILE_TYPE$|USED_IN)} $property]} {
                        ::rec::reject "set_property: $property is not a property of a $kind"
                    }
                }
                default { ::rec::reject "set_property: `$object` is not an object of this design" }
            }
        }
    }
}

proc ::rec::set_project_property {property value} {
    variable prj
    switch -- $property {
        board_part {
            if {[llength [::rec::on::get_board_parts {} [list $value]]] == 0} {
                reject "set_property board_part: `$value` is not an installed board part"
            }
            set prj(board_part) $value
        }
        ip_repo_paths {
            foreach dir $value {
                if {![file isdirectory $dir]} {
                    reject "set_property ip_repo_paths: $dir is not a folder"
                }
            }
            set prj(repos) $value
        }
        target_language {
            if {$value ni {Verilog VHDL}} {
                reject "set_property target_language: `$value` is neither Verilog nor VHDL"
            }
        }
        default {
            reject "set_property: $property is not a project property the recorder knows"
        }
    }
}

proc ::rec::on::update_ip_catalog {given positional} {
    variable ::rec::prj
    variable ::rec::catalog
    ::rec::need_vivado_project update_ip_catalog
    set catalog [::rec::builtin_catalog]
    foreach repo $prj(repos) {
        foreach xml [::rec::find_files $repo component.xml] {
            set channel [open $xml r]
            set text [read $channel]
            close $channel
            set vlnv {}
            foreach field {vendor library name version} {
                if {![regexp "<spirit:$field>(\[^<\]+)</spirit:$field>" $text -> value]} {
                    ::rec::reject "update_ip_catalog: $xml has no $field"
                }
                lappend vlnv $value
            }
            lappend catalog [join $vlnv :]
        }
    }
}

proc ::rec::find_files {dir name} {
    set found [glob -nocomplain -type f -directory $dir $name]
    foreach sub [glob -nocomplain -type d -directory $dir *] {
        set found [concat $found [find_files $sub $name]]
    }
    return $found
}

proc ::rec::on::get_ipdefs {given positional} {
    set patterns [expr {[llength $positional] ? [concat {*}$positional] : "*"}]
    set found {}
    foreach vlnv $::rec::catalog {
        foreach pattern $patterns {
            if {[string match $pattern $vlnv] && $vlnv ni $found} {
                lappend found $vlnv
            }
        }
    }
    return [lsort $found]
}

proc ::rec::on::create_bd_design {given positional} {
    variable ::rec::bd
    variable ::rec::prj
    ::rec::need_vivado_project create_bd_design
    set name [lindex $positional 0]
    set bd(name) $name
    set bd(file) [file join $prj(dir) $prj(name).srcs sources_1 bd $name $name.bd]
    ::rec::write_file $bd(file) "block design $name (recorder)\n"
    lappend prj(sources) $bd(file)
    return $name
}

proc ::rec::on::current_bd_design {given positional} {
    ::rec::need_bd current_bd_design
    return $::rec::bd(name)
}

proc ::rec::on::save_bd_design {given positional} {
    ::rec::need_bd save_bd_design
}

# --- IP models: pins, configurations --------------------------------------------------------------
#
# A pin entry is {name condition}: the pin exists when the cell's CONFIG.<condition> is 1 (or
# always, without a condition). Interface modes come from Xilinx's naming: M… masters, S… slaves,
# AXIS… streams.

proc ::rec::ip_model {vlnv} {
    set base [join [lrange [split $vlnv :] 0 2] :]
    switch -- $base {
        xilinx.com:ip:processing_system7 {
            set intf {DDR {} FIXED_IO {} M_AXI_GP0 PCW_USE_M_AXI_GP0 M_AXI_GP1 PCW_USE_M_AXI_GP1}
            set in {M_AXI_GP0_ACLK PCW_USE_M_AXI_GP0 M_AXI_GP1_ACLK PCW_USE_M_AXI_GP1}
            foreach n {0 1 2 3} {
                lappend intf S_AXI_HP$n PCW_USE_S_AXI_HP$n
                lappend in S_AXI_HP${n}_ACLK PCW_USE_S_AXI_HP$n
            }
            set out {}
            foreach n {0 1 2 3} {
                lappend out FCLK_CLK$n PCW_EN_CLK${n}_PORT FCLK_RESET${n}_N PCW_EN_RST${n}_PORT
            }
            return [dict create params PCW_* defaults {PCW_USE_M_AXI_GP0 1 PCW_EN_CLK0_PORT 1\
                PCW_EN_RST0_PORT 1 PCW_FPGA0_PERIPHERAL_FREQMHZ 50} intf $intf in $in out $out\
                required_intf {DDR FIXED_IO} required_in *_ACLK automation xilinx.com:bd_rule:processing_system7]
        }
        xilinx.com:ip:zynq_ultra_ps_e {
            set intf {}
            set in {}
            foreach {port clock gp} {M_AXI_HPM0_FPD maxihpm0_fpd_aclk PSU__USE__M_AXI_GP0\
                    M_AXI_HPM1_FPD maxihpm1_fpd_aclk PSU__USE__M_AXI_GP1\
                    M_AXI_HPM0_LPD maxihpm0_lpd_aclk PSU__USE__M_AXI_GP2\
                    S_AXI_HPC0_FPD saxihpc0_fpd_aclk PSU__USE__S_AXI_GP0\
                    S_AXI_HPC1_FPD saxihpc1_fpd_aclk PSU__USE__S_AXI_GP1\
                    S_AXI_HP0_FPD saxihp0_fpd_aclk PSU__USE__S_AXI_GP2\
                    S_AXI_HP1_FPD saxihp1_fpd_aclk PSU__USE__S_AXI_GP3\
                    S_AXI_HP2_FPD saxihp2_fpd_aclk PSU__USE__S_AXI_GP4\
                    S_AXI_HP3_FPD saxihp3_fpd_aclk PSU__USE__S_AXI_GP5\
                    S_AXI_LPD saxi_lpd_aclk PSU__USE__S_AXI_GP6} {
                lappend intf $port $gp
                lappend in $clock $gp
            }
            return [dict create params PSU__* defaults {PSU__USE__M_AXI_GP0 1 PSU__USE__M_AXI_GP1 1\
                PSU__USE__M_AXI_GP2 1 PSU__FPGA_PL0_ENABLE 1 PSU__USE__FABRIC__RST 1\
                PSU__CRL_APB__PL0_REF_CTRL__FREQMHZ 100} intf $intf in $in\
                out {pl_clk0 PSU__FPGA_PL0_ENABLE pl_resetn0 PSU__USE__FABRIC__RST}\
                required_intf {} required_in *_aclk automation xilinx.com:bd_rule:zynq_ultra_ps_e]
        }
        xilinx.com:ip:axi_dma {
            return [dict create params {c_include_sg c_sg_length_width c_sg_include_stscntrl_strm\
                c_include_mm2s c_include_s2mm c_m_axis_mm2s_tdata_width c_m_axi_mm2s_data_width\
                c_mm2s_burst_size c_s_axis_s2mm_tdata_width c_m_axi_s2mm_data_width c_s2mm_burst_size\
                c_addr_width c_micro_dma c_include_mm2s_dre c_include_s2mm_dre c_sg_use_stsapp_length\
                c_enable_multi_channel c_increase_throughput}\
                defaults {c_include_sg 1 c_include_mm2s 1 c_include_s2mm 1 c_sg_length_width 14\
                    c_m_axis_mm2s_tdata_width 32 c_m_axi_mm2s_data_width 32 c_s_axis_s2mm_tdata_width 32\
                    c_m_axi_s2mm_data_width 32 c_mm2s_burst_size 16 c_s2mm_burst_size 16}\
                intf {S_AXI_LITE {} M_AXI_SG c_include_sg M_AXI_MM2S c_include_mm2s\
                    M_AXIS_MM2S c_include_mm2s M_AXI_S2MM c_include_s2mm S_AXIS_S2MM c_include_s2mm}\
                in {s_axi_lite_aclk {} m_axi_sg_aclk c_include_sg m_axi_mm2s_aclk c_include_mm2s\
                    m_axi_s2mm_aclk c_include_s2mm axi_resetn {}}\
                out {mm2s_introut c_include_mm2s s2mm_introut c_include_s2mm}\
                required_intf * required_in *]
        }
        xilinx.com:ip:axi_interconnect {
            return [dict create params {NUM_SI NUM_MI STRATEGY ENABLE_ADVANCED_OPTIONS\
                    S??_HAS_REGSLICE M??_HAS_REGSLICE S??_HAS_DATA_FIFO M??_HAS_DATA_FIFO}\
                defaults {NUM_SI 1 NUM_MI 2} ports interconnect\
                required_intf * required_in *]
        }
        xilinx.com:ip:smartconnect {
            return [dict create params {NUM_SI NUM_MI NUM_CLKS HAS_ARESETN}\
                defaults {NUM_SI 1 NUM_MI 1 NUM_CLKS 1} ports smartconnect\
                required_intf * required_in *]
        }
        xilinx.com:ip:proc_sys_reset {
            return [dict create params {C_EXT_RST_WIDTH C_AUX_RST_WIDTH C_EXT_RESET_HIGH C_AUX_RESET_HIGH\
                    C_NUM_BUS_RST C_NUM_PERP_RST C_NUM_INTERCONNECT_ARESETN C_NUM_PERP_ARESETN\
                    RESET_BOARD_INTERFACE USE_BOARD_FLOW} defaults {}\
                intf {} in {slowest_sync_clk {} ext_reset_in {} aux_reset_in {} mb_debug_sys_rst {} dcm_locked {}}\
                out {mb_reset {} bus_struct_reset {} peripheral_reset {} interconnect_aresetn {} peripheral_aresetn {}}\
                required_intf {} required_in {slowest_sync_clk ext_reset_in}]
        }
        default {
            # An HLS IP: its interfaces as -hls_interfaces says (any, when not given), a clock, a
            # reset, and an interrupt when it has a control interface.
            return [dict create params {} defaults {} hls 1 intf {} in {ap_clk {} ap_rst_n {}}\
                out {interrupt {}} required_intf * required_in *]
        }
    }
}

# The cell's CONFIG value (its default when not set).
proc ::rec::cell_config {path param} {
    variable cells
    set config [dict get $cells($path) config]
    if {[dict exists $config $param]} {
        return [dict get $config $param]
    }
    set defaults [dict get [ip_model [dict get $cells($path) vlnv]] defaults]
    if {[dict exists $defaults $param]} {
        return [dict get $defaults $param]
    }
    return 0
}

# The pins a cell has now: a dict with intf (name → {master|slave} {mm|stream}), in, out (lists).
proc ::rec::cell_pins {path} {
    variable cells
    variable hls_interfaces
    set model [ip_model [dict get $cells($path) vlnv]]
    set intf [dict create]
    set in {}
    set out {}
    if {[dict exists $model ports]} {
        set si [cell_config $path NUM_SI]
        set mi [cell_config $path NUM_MI]
        set smart [expr {[dict get $model ports] eq "smartconnect"}]
        if {$smart} {
            set in {aclk aresetn}
        } else {
            set in {ACLK ARESETN}
        }
        for {set i 0} {$i < $si} {incr i} {
            dict set intf [format S%02d_AXI $i] {slave mm}
            if {!$smart} {
                lappend in [format S%02d_ACLK $i] [format S%02d_ARESETN $i]
            }
        }
        for {set i 0} {$i < $mi} {incr i} {
            dict set intf [format M%02d_AXI $i] {master mm}
            if {!$smart} {
                lappend in [format M%02d_ACLK $i] [format M%02d_ARESETN $i]
            }
        }
        return [list intf $intf in $in out $out]
    }
    if {[dict exists $model hls]} {
        dict for {name mode} $hls_interfaces {
            dict set intf $name $mode
        }
        set in {ap_clk ap_rst_n}
        if {[dict size $intf] == 0 || [lsearch -glob [dict keys $intf] s_axi_*] >= 0} {
            lappend out interrupt
        }
        return [list intf $intf in $in out $out]
    }
    foreach {name condition} [dict get $model intf] {
        if {$condition eq "" || [cell_config $path $condition] == 1} {
            if {[string match M* $name]} {
                set mode master
            } elseif {[string match S* $name]} {
                set mode slave
            } else {
                set mode external
            }
            dict set intf $name [list $mode [expr {[string match *AXIS* $name] ? "stream" : "mm"}]]
        }
    }
    foreach {list_name key} {in in out out} {
        foreach {name condition} [dict get $model $key] {
            if {$condition eq "" || [cell_config $path $condition] == 1} {
                lappend $list_name $name
            }
        }
    }
    return [list intf $intf in $in out $out]
}

# Width rules of the AXI DMA (PG021): streams 8 to 1024 bits, memory-mapped 32 to 1024, powers of two.
proc ::rec::check_dma_value {param value} {
    set widths {8 16 32 64 128 256 512 1024}
    switch -- $param {
        c_m_axis_mm2s_tdata_width - c_s_axis_s2mm_tdata_width {
            if {$value ni $widths} {
                reject "axi_dma CONFIG.$param: `$value` is not a stream width of the AXI DMA ([join $widths {, }])"
            }
        }
        c_m_axi_mm2s_data_width - c_m_axi_s2mm_data_width {
            if {$value ni [lrange $widths 2 end]} {
                reject "axi_dma CONFIG.$param: `$value` is not a memory-map width of the AXI DMA (32 to 1024)"
            }
        }
        c_mm2s_burst_size - c_s2mm_burst_size {
            if {$value ni {2 4 8 16 32 64 128 256}} {
                reject "axi_dma CONFIG.$param: `$value` is not a burst size (2 to 256)"
            }
        }
        c_sg_length_width {
            if {![string is integer -strict $value] || $value < 8 || $value > 26} {
                reject "axi_dma CONFIG.$param: `$value` is not a length width (8 to 26)"
            }
        }
        c_include_sg - c_include_mm2s - c_include_s2mm - c_sg_include_stscntrl_strm {
            if {$value ni {0 1}} {
                reject "axi_dma CONFIG.$param: `$value` is neither 0 nor 1"
            }
        }
    }
}

proc ::rec::set_cell_property {path property value} {
    variable cells
    if {![regexp {^CONFIG\.([A-Za-z0-9_]+)(\.VALUE_SRC)?$} $property -> param value_src]} {
        reject "set_property: $property is not a property of a block design cell (CONFIG.<parameter>)"
    }
    set vlnv [dict get $cells($path) vlnv]
    set model [ip_model $vlnv]
    set known 0
    foreach pattern [dict get $model params] {
        if {[string match $pattern $param]} {
            set known 1
        }
    }
    if {!$known} {
        warn "set_property: $vlnv has no parameter $param (on $path)"
    }
    if {$value_src ne ""} {
        if {$value ni {USER DEFAULT PROPAGATED CONSTANT}} {
            reject "set_property $property: `$value` is not a value source (USER, DEFAULT, PROPAGATED)"
        }
        return
    }
    if {[string match xilinx.com:ip:axi_dma:* $vlnv]} {
        check_dma_value $param $value
    }
    if {$param in {NUM_SI NUM_MI} && (![string is integer -strict $value] || $value < 1 || $value > 16)} {
        reject "set_property CONFIG.$param: `$value` is not a number of ports (1 to 16)"
    }
    set cell $cells($path)
    dict set cell config $param $value
    set cells($path) $cell
}

proc ::rec::on::get_property {given positional} {
    lassign $positional property object
    set object [lindex $object 0]
    set kind [::rec::kind_of $object]
    switch -- $kind {
        run {
            set run $::rec::runs($object)
            switch -- $property {
                PROGRESS { return [dict get $run progress] }
                STATUS {
                    if {[dict get $run progress] eq "100%"} {
                        return "[dict get $run step] Complete!"
                    }
                    return "Not started"
                }
                NEEDS_REFRESH { return 0 }
                DIRECTORY { return [file join $::rec::prj(dir) $::rec::prj(name).runs $object] }
            }
        }
        project {
            switch -- $property {
                board_part { return $::rec::prj(board_part) }
                part { return $::rec::prj(part) }
                ip_repo_paths { return $::rec::prj(repos) }
                DIRECTORY { return $::rec::prj(dir) }
                NAME { return $::rec::prj(name) }
            }
        }
        cell {
            if {[regexp {^CONFIG\.(.+)$} $property -> param]} {
                return [::rec::cell_config $object $param]
            }
            switch -- $property {
                VLNV { return [dict get $::rec::cells($object) vlnv] }
                NAME { return [file tail $object] }
            }
        }
        default {
            ::rec::reject "get_property: `$object` is not an object of this design"
        }
    }
    ::rec::reject "get_property: $property is not a property of a $kind the recorder knows"
}

proc ::rec::on::create_bd_cell {given positional} {
    variable ::rec::cells
    variable ::rec::catalog
    ::rec::need_bd create_bd_cell
    set name [lindex $positional 0]
    set path /[string trimleft $name /]
    if {[info exists cells($path)]} {
        ::rec::reject "create_bd_cell: $path exists"
    }
    set parent [file dirname $path]
    if {$parent ne "/" && ![info exists cells($parent)]} {
        ::rec::reject "create_bd_cell: no hierarchy $parent for $path"
    }
    set type [dict get $given -type]
    if {$type eq "hier"} {
        set cells($path) {vlnv hier config {} automated 0}
        return $path
    }
    if {$type ne "ip"} {
        ::rec::reject "create_bd_cell -type $type: the recorder models IP cells and hierarchies"
    }
    if {![dict exists $given -vlnv]} {
        ::rec::reject "create_bd_cell -type ip needs -vlnv"
    }
    set vlnv [dict get $given -vlnv]
    if {[llength [split $vlnv :]] != 4} {
        ::rec::reject "create_bd_cell -vlnv: `$vlnv` is not vendor:library:name:version"
    }
    if {$vlnv ni $catalog} {
        ::rec::reject "create_bd_cell: IP definition not found for VLNV $vlnv (not in the IP catalog)"
    }
    set cells($path) [list vlnv $vlnv config {} automated 0]
    return $path
}

# Resolves a cell name or pattern to cell paths.
proc ::rec::match_cells {pattern hierarchical} {
    variable cells
    set found {}
    foreach path [lsort [array names cells]] {
        if {$hierarchical} {
            set hit [string match $pattern [file tail $path]]
        } else {
            set hit [string match /[string trimleft $pattern /] $path]
        }
        if {$hit} {
            lappend found $path
        }
    }
    return $found
}

proc ::rec::on::get_bd_cells {given positional} {
    ::rec::need_bd get_bd_cells
    if {[dict exists $given -of_objects]} {
        ::rec::reject "get_bd_cells -of_objects is not modelled"
    }
    set patterns [expr {[llength $positional] ? [concat {*}$positional] : "*"}]
    set found {}
    foreach pattern $patterns {
        foreach path [::rec::match_cells $pattern [dict exists $given -hierarchical]] {
            if {$path ni $found} {
                lappend found $path
            }
        }
    }
    if {[llength $found] == 0} {
        ::rec::warn "get_bd_cells: nothing matches $patterns"
    }
    return $found
}

# Pins (kind intf or pin) matching patterns "cell/pin".
proc ::rec::match_pins {kind patterns} {
    variable cells
    set found {}
    foreach pattern $patterns {
        set pattern /[string trimleft $pattern /]
        set cell_pattern [file dirname $pattern]
        set pin_pattern [file tail $pattern]
        foreach path [lsort [array names cells]] {
            if {![string match $cell_pattern $path] || [dict get $cells($path) vlnv] eq "hier"} {
                continue
            }
            set pins [cell_pins $path]
            if {$kind eq "intf"} {
                set names [dict keys [dict get $pins intf]]
                set model [ip_model [dict get $cells($path) vlnv]]
                if {[dict exists $model hls] && [dict size [dict get $pins intf]] == 0} {
                    # No interface list given: every plain name is taken as an interface.
                    if {[string match {*[*?]*} $pin_pattern]} {
                        continue
                    }
                    set names [list $pin_pattern]
                }
            } else {
                set names [concat [dict get $pins in] [dict get $pins out]]
            }
            foreach name $names {
                if {[string match $pin_pattern $name]} {
                    lappend found $path/$name
                }
            }
        }
    }
    return $found
}

proc ::rec::pins_getter {name kind given positional} {
    need_bd $name
    if {[dict exists $given -of_objects]} {
        set found {}
        foreach cell [concat {*}[dict get $given -of_objects]] {
            set found [concat $found [match_pins $kind [list $cell/*]]]
        }
        return $found
    }
    set found [match_pins $kind [concat {*}$positional]]
    if {[llength $found] == 0} {
        warn "$name: nothing matches $positional"
    }
    return $found
}

proc ::rec::on::get_bd_pins {given positional} {
    return [::rec::pins_getter get_bd_pins pin $given $positional]
}

proc ::rec::on::get_bd_intf_pins {given positional} {
    return [::rec::pins_getter get_bd_intf_pins intf $given $positional]
}

proc ::rec::intf_mode {pin} {
    variable cells
    set cell [file dirname $pin]
    set pins [cell_pins $cell]
    set intf [dict get $pins intf]
    if {[dict exists $intf [file tail $pin]]} {
        return [dict get $intf [file tail $pin]]
    }
    return {any any}
}

proc ::rec::on::connect_bd_intf_net {given positional} {
    variable ::rec::intf
    ::rec::need_bd connect_bd_intf_net
    set ends {}
    foreach object $positional {
        if {[llength $object] != 1} {
            ::rec::reject "connect_bd_intf_net: each end is one interface pin, got `$object`"
        }
        set pin [lindex $object 0]
        if {[llength [::rec::match_pins intf [list $pin]]] != 1} {
            ::rec::reject "connect_bd_intf_net: $pin is not an interface pin"
        }
        if {[info exists intf($pin)]} {
            ::rec::reject "connect_bd_intf_net: $pin is already connected (to $intf($pin))"
        }
        lappend ends $pin
    }
    lassign $ends a b
    lassign [::rec::intf_mode $a] mode_a type_a
    lassign [::rec::intf_mode $b] mode_b type_b
    if {"any" ni [list $mode_a $mode_b]} {
        if {[lsort [list $mode_a $mode_b]] ne {master slave}} {
            ::rec::reject "connect_bd_intf_net: $a ($mode_a) and $b ($mode_b): one master, one slave"
        }
        if {$type_a ne $type_b} {
            ::rec::reject "connect_bd_intf_net: $a is $type_a, $b is $type_b (AXI4 vs AXI4-Stream)"
        }
    }
    set intf($a) $b
    set intf($b) $a
}

proc ::rec::pin_direction {pin} {
    set pins [cell_pins [file dirname $pin]]
    if {[file tail $pin] in [dict get $pins out]} {
        return out
    }
    return in
}

proc ::rec::on::connect_bd_net {given positional} {
    variable ::rec::net_of
    variable ::rec::net_pins
    ::rec::need_bd connect_bd_net
    set pins [concat {*}$positional]
    if {[llength $pins] < 2} {
        ::rec::reject "connect_bd_net: at least two pins, got `$pins` (an empty get_bd_pins result?)"
    }
    set net ""
    if {[dict exists $given -net]} {
        set net [dict get $given -net]
    }
    foreach pin $pins {
        if {[llength [::rec::match_pins pin [list $pin]]] != 1} {
            ::rec::reject "connect_bd_net: $pin is not a pin"
        }
        if {[info exists net_of($pin)]} {
            if {$net eq ""} {
                set net $net_of($pin)
            } elseif {$net_of($pin) ne $net} {
                ::rec::reject "connect_bd_net: $pin is already on net $net_of($pin)"
            }
        }
    }
    if {$net eq ""} {
        set net net_[array size net_pins]
    }
    if {![info exists net_pins($net)]} {
        set net_pins($net) {}
    }
    foreach pin $pins {
        if {$pin ni $net_pins($net)} {
            lappend net_pins($net) $pin
        }
        set net_of($pin) $net
    }
    set drivers {}
    foreach pin $net_pins($net) {
        if {[::rec::pin_direction $pin] eq "out"} {
            lappend drivers $pin
        }
    }
    if {[llength $drivers] != 1} {
        ::rec::reject "connect_bd_net: net $net has [llength $drivers] drivers ($drivers); one output drives a net"
    }
}

# apply_bd_automation: rules and the -config keys each takes.
proc ::rec::on::apply_bd_automation {given positional} {
    variable ::rec::cells
    variable ::rec::intf
    ::rec::need_bd apply_bd_automation
    set keys {
        xilinx.com:bd_rule:processing_system7 {make_external apply_board_preset Master Slave}
        xilinx.com:bd_rule:zynq_ultra_ps_e {apply_board_preset}
        xilinx.com:bd_rule:axi4 {Clk_master Clk_slave Clk_xbar Master Slave ddr_seg intc_ip master_apm}
        xilinx.com:bd_rule:clkrst {Clk Freq Ref_Clk0 Ref_Clk1 Ref_Clk2}
        xilinx.com:bd_rule:board {Board_Interface Manual_Source}
    }
    set rule [dict get $given -rule]
    if {![dict exists $keys $rule]} {
        ::rec::reject "apply_bd_automation -rule: `$rule` is not one of [join [dict keys $keys] {, }]"
    }
    set config {}
    if {[dict exists $given -config]} {
        set config [dict get $given -config]
        if {[llength $config] % 2} {
            ::rec::reject "apply_bd_automation -config: not key value pairs: $config"
        }
        foreach {key value} $config {
            if {$key ni [dict get $keys $rule]} {
                ::rec::reject "apply_bd_automation $rule: unknown -config key $key"
            }
        }
    }
    set objects [concat {*}$positional]
    if {[llength $objects] == 0} {
        ::rec::reject "apply_bd_automation: no object (an empty get_bd_* result?)"
    }
    foreach object $objects {
        if {[info exists cells($object)]} {
            set cell $object
            set model [::rec::ip_model [dict get $cells($cell) vlnv]]
            if {$rule in {xilinx.com:bd_rule:processing_system7 xilinx.com:bd_rule:zynq_ultra_ps_e}
                    && (![dict exists $model automation] || [dict get $model automation] ne $rule)} {
                ::rec::reject "apply_bd_automation $rule: $cell is a [dict get $cells($cell) vlnv]"
            }
        } elseif {[llength [::rec::match_pins intf [list $object]]] == 1
                  || [llength [::rec::match_pins pin [list $object]]] == 1} {
            set cell [file dirname $object]
        } else {
            ::rec::reject "apply_bd_automation: `$object` is neither a cell nor a pin"
        }
        if {$rule eq "xilinx.com:bd_rule:processing_system7" && [dict exists $config make_external]} {
            foreach port [split [dict get $config make_external] ", "] {
                if {$port ne ""} {
                    set intf($cell/$port) external
                }
            }
        }
        if {$rule in {xilinx.com:bd_rule:axi4 xilinx.com:bd_rule:clkrst}} {
            # The automation wires clocks and resets the recorder does not follow: the cells it
            # touched are left out of validate_bd_design's clock and reset checks.
            foreach {key value} $config {
                if {$key in {Master Slave} && $value ne "Auto"} {
                    if {[llength [::rec::match_pins intf [list $value]]] != 1} {
                        ::rec::reject "apply_bd_automation: $key $value is not an interface pin"
                    }
                    set intf($value) automation
                    dict set cells([file dirname $value]) automated 1
                }
            }
            set intf($object) automation
            dict set cells($cell) automated 1
        }
    }
}

proc ::rec::on::group_bd_cells {given positional} {
    variable ::rec::cells
    variable ::rec::intf
    variable ::rec::net_of
    variable ::rec::net_pins
    ::rec::need_bd group_bd_cells
    set target /[string trimleft [lindex $positional 0] /]
    set members [concat {*}[lrange $positional 1 end]]
    if {[info exists cells($target)]} {
        ::rec::reject "group_bd_cells: $target exists"
    }
    if {[llength $members] == 0} {
        ::rec::reject "group_bd_cells: no cells to group (an empty get_bd_cells result?)"
    }
    set renames {}
    foreach member $members {
        if {![info exists cells($member)]} {
            ::rec::reject "group_bd_cells: $member is not a cell"
        }
        lappend renames $member/ $target/[file tail $member]/
    }
    set cells($target) {vlnv hier config {} automated 0}
    foreach member $members {
        set cells($target/[file tail $member]) $cells($member)
        unset cells($member)
    }
    # Pins keep their connections under their new paths.
    foreach table {intf net_of} {
        set moved {}
        foreach {key value} [array get $table] {
            lappend moved [string map $renames $key] [string map $renames $value]
        }
        array unset $table
        array set $table $moved
    }
    foreach net [array names net_pins] {
        set net_pins($net) [string map $renames $net_pins($net)]
    }
    return $target
}

proc ::rec::on::assign_bd_address {given positional} {
    ::rec::need_bd assign_bd_address
}

# validate_bd_design: every cell's required clocks, resets and interfaces are connected.
proc ::rec::on::validate_bd_design {given positional} {
    variable ::rec::cells
    variable ::rec::intf
    variable ::rec::net_of
    variable ::rec::bd
    ::rec::need_bd validate_bd_design
    set problems {}
    foreach path [lsort [array names cells]] {
        set cell $cells($path)
        if {[dict get $cell vlnv] eq "hier" || [dict get $cell automated]} {
            continue
        }
        set model [::rec::ip_model [dict get $cell vlnv]]
        set pins [::rec::cell_pins $path]
        foreach name [dict get $pins in] {
            foreach pattern [dict get $model required_in] {
                if {[string match $pattern $name] && ![info exists net_of($path/$name)]} {
                    lappend problems "input pin $path/$name is not connected"
                }
            }
        }
        foreach name [dict keys [dict get $pins intf]] {
            foreach pattern [dict get $model required_intf] {
                if {[string match $pattern $name] && ![info exists intf($path/$name)]} {
                    lappend problems "interface $path/$name is not connected"
                }
            }
        }
    }
    if {[llength $problems]} {
        ::rec::reject "validate_bd_design: [join [lsort -unique $problems] {; }]"
    }
    set bd(validated) 1
}

proc ::rec::on::get_files {given positional} {
    ::rec::need_vivado_project get_files
    set patterns [expr {[llength $positional] ? [concat {*}$positional] : "*"}]
    set found {}
    foreach file $::rec::prj(sources) {
        foreach pattern $patterns {
            if {[string match $pattern $file] || [string match $pattern [file tail $file]]
                    || [file normalize $pattern] eq [file normalize $file]} {
                if {$file ni $found} {
                    lappend found $file
                }
            }
        }
    }
    if {[llength $found] == 0} {
        ::rec::warn "get_files: nothing matches $patterns"
    }
    return $found
}

proc ::rec::on::make_wrapper {given positional} {
    variable ::rec::bd
    variable ::rec::prj
    variable ::rec::vivado_version
    ::rec::need_bd make_wrapper
    set files [dict get $given -files]
    if {[llength $files] != 1 || [file normalize [lindex $files 0]] ne [file normalize $bd(file)]} {
        ::rec::reject "make_wrapper -files: `$files` is not the block design file $bd(file)"
    }
    # Vivado 2020.2 and newer write generated files under <project>.gen, older ones under .srcs.
    set root [expr {$vivado_version < 2020.2 ? "$prj(name).srcs" : "$prj(name).gen"}]
    set wrapper [file join $prj(dir) $root sources_1 bd $bd(name) hdl $bd(name)_wrapper.v]
    ::rec::write_file $wrapper "module $bd(name)_wrapper();\nendmodule\n"
    return $wrapper
}

proc ::rec::vivado_add_files {given positional} {
    variable prj
    if {$prj(name) eq ""} {
        # Non-project mode: the sources go to an in-memory project.
        set prj(in_memory) 1
    }
    set paths [concat {*}$positional]
    if {[llength $paths] == 0} {
        reject "add_files: no file (an empty result?)"
    }
    foreach path $paths {
        if {![file exists $path]} {
            reject "add_files: $path does not exist"
        }
        if {[file isdirectory $path]} {
            set inside [glob -nocomplain -type f -directory $path *]
        } else {
            set inside [list $path]
        }
        foreach file $inside {
            if {$file ni $prj(sources)} {
                lappend prj(sources) $file
            }
        }
    }
}

proc ::rec::on::read_verilog {given positional} {
    variable ::rec::prj
    foreach path [lindex $positional 0] {
        if {![file isfile $path]} {
            ::rec::reject "read_verilog: $path is not a file"
        }
        lappend prj(sources) $path
    }
}

proc ::rec::on::get_runs {given positional} {
    ::rec::need_vivado_project get_runs
    set patterns [expr {[llength $positional] ? [concat {*}$positional] : "*"}]
    set found {}
    foreach run [lsort [array names ::rec::runs]] {
        foreach pattern $patterns {
            if {[string match $pattern $run]} {
                lappend found $run
            }
        }
    }
    return $found
}

proc ::rec::need_run {name run} {
    variable runs
    if {![info exists runs($run)]} {
        reject "$name: no run `$run`"
    }
}

proc ::rec::on::reset_run {given positional} {
    ::rec::need_run reset_run [lindex $positional 0]
}

proc ::rec::on::launch_runs {given positional} {
    variable ::rec::runs
    variable ::rec::prj
    variable ::rec::bd
    variable ::rec::vivado_version
    ::rec::need_vivado_project launch_runs
    set hdl 0
    foreach file $prj(sources) {
        if {[file extension $file] in {.v .sv .vhd .vhdl}} {
            set hdl 1
        }
    }
    if {!$hdl} {
        ::rec::reject "launch_runs: the project has no HDL source to synthesize (no top: add the block design's wrapper)"
    }
    set step [expr {[dict exists $given -to_step] ? [dict get $given -to_step] : "route_design"}]
    foreach run [concat {*}$positional] {
        ::rec::need_run launch_runs $run
        if {$step in {write_bitstream write_device_image} && ![string match impl* $run]} {
            ::rec::reject "launch_runs -to_step $step: $run is not an implementation run"
        }
        dict set runs($run) launched 1
        dict set runs($run) step $step
    }
    if {$bd(name) ne ""} {
        # Generating the block design's output products writes the hardware handoff.
        set root [expr {$vivado_version < 2020.2 ? "$prj(name).srcs" : "$prj(name).gen"}]
        ::rec::write_file [file join $prj(dir) $root sources_1 bd $bd(name) hw_handoff $bd(name).hwh] \
            "<?xml version=\"1.0\"?>\n<EDKSYSTEM/>\n"
    }
}

proc ::rec::on::wait_on_run {given positional} {
    variable ::rec::runs
    variable ::rec::prj
    set run [lindex $positional 0]
    ::rec::need_run wait_on_run $run
    if {![dict get $runs($run) launched]} {
        ::rec::reject "wait_on_run: $run was not launched"
    }
    dict set runs($run) progress 100%
    if {[dict get $runs($run) step] eq "write_bitstream"} {
        set top ""
        foreach file $prj(sources) {
            if {[string match *_wrapper.v $file]} {
                set top [file rootname [file tail $file]]
            }
        }
        ::rec::write_file [file join $prj(dir) $prj(name).runs $run $top.bit] "bitstream (recorder)\n"
    }
}

proc ::rec::on::open_run {given positional} {
    set run [lindex $positional 0]
    ::rec::need_run open_run $run
    if {[dict get $::rec::runs($run) progress] ne "100%"} {
        ::rec::reject "open_run: $run has not completed"
    }
    set ::rec::prj(design_open) 1
}

proc ::rec::on::synth_design {given positional} {
    variable ::rec::prj
    if {[llength $prj(sources)] == 0} {
        ::rec::reject "synth_design: no sources read"
    }
    if {[dict exists $given -part] && ![::rec::valid_part [dict get $given -part]]} {
        ::rec::reject "synth_design -part: `[dict get $given -part]` is not a part name"
    }
    if {![dict exists $given -part] && $prj(part) eq ""} {
        ::rec::reject "synth_design: no part (-part, or a project's)"
    }
    set prj(design_open) 1
}

foreach command {opt_design report_utilization report_timing_summary} {
    proc ::rec::on::$command {given positional} [string map [list @ $command] {
        if {!$::rec::prj(design_open)} {
            ::rec::reject "@: no design is open (open_run or synth_design)"
        }
        if {[dict exists $given -file]} {
            ::rec::write_file [dict get $given -file] "@ (recorder)\n"
        }
    }]
}

proc ::rec::on::version {given positional} {
    variable ::rec::vivado_version
    if {[dict exists $given -short]} {
        return $vivado_version
    }
    return "Vivado v$vivado_version (64-bit)"
}

proc ::rec::on::get_ips {given positional} {
    return {}
}

# --- exec: the vendor programs a script may start ------------------------------------------------

proc ::rec::strip_redirections {words} {
    set kept {}
    set skip 0
    foreach word $words {
        if {$skip} {
            set skip 0
            continue
        }
        if {$word in {>@ 2>@ > 2> >> 2>> < 2>@1}} {
            set skip [expr {$word ne "2>@1"}]
            continue
        }
        if {[regexp {^(>@|2>@|>|2>|>>|<)[^ ]+$} $word] || $word eq "&"} {
            continue
        }
        lappend kept $word
    }
    return $kept
}

proc ::rec::check_vivado_command_line {words} {
    set options {-mode {one batch tcl gui} -source val -nojournal flag -nolog flag -journal val -log val\
        -notrace flag -tempDir val -applog flag}
    for {set i 0} {$i < [llength $words]} {incr i} {
        set word [lindex $words $i]
        if {$word eq "-tclargs"} {
            break
        }
        if {![dict exists $options $word]} {
            reject "exec vivado: unknown option `$word`"
        }
        set kind [dict get $options $word]
        if {$kind ne "flag"} {
            incr i
            if {$i >= [llength $words]} {
                reject "exec vivado $word: missing value"
            }
            set value [lindex $words $i]
            check_kind "exec vivado" $word $kind $value
            if {$word eq "-source" && ![file isfile $value]} {
                reject "exec vivado -source: $value does not exist"
            }
        }
    }
}

proc ::rec::check_vpp_command_line {words} {
    set options {--link flag -l flag --target {one hw hw_emu sw_emu} -t {one hw hw_emu sw_emu}\
        --platform val -f val --config val --kernel_frequency val --output val -o val\
        --vivado.synth.jobs posint --vivado.impl.jobs posint --save-temps flag -s flag --temp_dir val\
        --report_level val --optimize val -O val --kernel val -k val --connectivity.nk val\
        --connectivity.sp val --log_dir val --report_dir val}
    set given [dict create]
    set inputs {}
    for {set i 0} {$i < [llength $words]} {incr i} {
        set word [lindex $words $i]
        if {[string index $word 0] ne "-"} {
            lappend inputs $word
            continue
        }
        if {![dict exists $options $word]} {
            reject "exec v++: unknown option `$word`"
        }
        set kind [dict get $options $word]
        set value 1
        if {$kind ne "flag"} {
            incr i
            if {$i >= [llength $words]} {
                reject "exec v++ $word: missing value"
            }
            set value [lindex $words $i]
            check_kind "exec v++" $word $kind $value
        }
        dict set given $word $value
    }
    if {![dict exists $given --link] && ![dict exists $given -l]} {
        reject "exec v++: the recorder models v++ --link only"
    }
    if {![dict exists $given --platform] && ![dict exists $given -f]} {
        reject "exec v++ --link: no --platform"
    }
    if {[dict exists $given --config] && ![file isfile [dict get $given --config]]} {
        reject "exec v++ --config: [dict get $given --config] does not exist"
    }
    if {[dict exists $given --kernel_frequency] && ![string is double -strict [dict get $given --kernel_frequency]]} {
        reject "exec v++ --kernel_frequency: `[dict get $given --kernel_frequency]` is not a frequency in MHz"
    }
    if {[llength $inputs] == 0} {
        reject "exec v++ --link: no kernel (.xo) to link"
    }
    foreach input $inputs {
        if {[file extension $input] ne ".xo" || ![file isfile $input]} {
            reject "exec v++ --link: $input is not an existing .xo"
        }
    }
    foreach option {--output -o} {
        if {[dict exists $given $option]} {
            set output [dict get $given $option]
            if {[file extension $output] ne ".xclbin"} {
                reject "exec v++ --link --output: `$output` is not an .xclbin"
            }
            write_file $output "xclbin (recorder)\n"
        }
    }
}

proc ::rec::exec {args} {
    set words [strip_redirections $args]
    set program [lindex $words 0]
    switch -- $program {
        vivado { check_vivado_command_line [lrange $words 1 end] }
        v++ { check_vpp_command_line [lrange $words 1 end] }
        default { reject "exec: the dry run starts no program but vivado and v++, got `$program`" }
    }
    record [concat exec $words]
    return ""
}

# --- State, exit, main ----------------------------------------------------------------------------

proc ::rec::write_state {} {
    variable state_path
    variable prj
    variable runs
    variable cells
    variable intf
    variable net_pins
    variable warnings
    variable hls
    if {$state_path eq ""} {
        return
    }
    set channel [open $state_path w]
    puts $channel [list project $prj(name) $prj(dir) $prj(part) $prj(board_part)]
    puts $channel [list hls $hls(project) $hls(top) $hls(solution) $hls(part) $hls(clock) $hls(flow)]
    foreach path [lsort [array names cells]] {
        puts $channel [list cell $path [dict get $cells($path) vlnv] [dict get $cells($path) config]]
    }
    foreach pin [lsort [array names intf]] {
        puts $channel [list intf $pin $intf($pin)]
    }
    foreach net [lsort [array names net_pins]] {
        puts $channel [list net $net $net_pins($net)]
    }
    foreach run [lsort [array names runs]] {
        puts $channel [list run $run $runs($run)]
    }
    foreach warning $warnings {
        puts $channel [list warning $warning]
    }
    close $channel
}

proc ::rec::finish {code} {
    variable log
    write_state
    if {$log ne ""} {
        close $log
        set log ""
    }
    ::rec::tcl_exit $code
}

proc ::rec::main {argv} {
    variable tool
    variable log_path
    variable state_path
    variable vivado_version
    variable hls_interfaces
    variable executable
    variable log
    while {[string match -* [lindex $argv 0]]} {
        set argv [lassign $argv option value]
        switch -- $option {
            -tool { set tool $value }
            -log { set log_path [file normalize $value] }
            -state { set state_path [file normalize $value] }
            -vivado_version { set vivado_version $value }
            -hls_interfaces { set hls_interfaces $value }
            -executable { set executable $value }
            default {
                puts stderr "recorder: unknown option $option"
                exit 2
            }
        }
    }
    if {$tool ni {vivado vivado_hls vitis_hls tclsh}} {
        puts stderr "recorder: -tool is vivado, vivado_hls, vitis_hls or tclsh"
        exit 2
    }
    if {[llength $argv] == 0} {
        puts stderr "recorder: no script"
        exit 2
    }
    set script [file normalize [lindex $argv 0]]
    if {$log_path ne ""} {
        set log [open $log_path w]
    }
    # The tool's executable, as `info nameofexecutable` answers inside it.
    if {$executable eq ""} {
        set executable [dict get {
            vivado /opt/xilinx/Vivado/bin/unwrapped/lnx64.o/vivado
            vivado_hls /opt/xilinx/Vivado/bin/unwrapped/lnx64.o/vivado_hls
            vitis_hls /opt/xilinx/Vitis_HLS/bin/unwrapped/lnx64.o/vitis_hls
            tclsh tclsh
        } $tool]
    }
    # Vitis HLS's environment has XILINX_HLS, the others' not.
    if {$tool eq "vitis_hls"} {
        set ::env(XILINX_HLS) /opt/xilinx/Vitis_HLS
    } else {
        unset -nocomplain ::env(XILINX_HLS)
    }
    switch -- $tool {
        vivado { vivado_rules }
        vivado_hls - vitis_hls { hls_rules }
    }
    set ::argv [lrange $argv 1 end]
    set ::argc [llength $::argv]
    set ::argv0 $script
    hide_tcl86
    set code [catch {uplevel #0 [list source $script]} message options]
    if {$code == 1} {
        if {[dict get $options -errorcode] eq {RECORDER REJECT}} {
            puts stderr $message
            finish 3
        }
        puts stderr "error: $message"
        finish 1
    }
    finish 0
}

# The Tcl of the Xilinx tools is 8.5: what 8.6 added fails when the script calls it (Tcl's own
# library, in its namespaces, keeps it).
proc ::rec::hide_tcl86 {} {
    foreach command {lmap try throw tailcall coroutine yield yieldto zlib} {
        if {[llength [info commands ::$command]]} {
            rename ::$command ::rec::tcl86_$command
            proc ::$command {args} [string map [list @ $command] {
                if {[uplevel 1 {namespace current}] eq "::"} {
                    return -code error "invalid command name \"@\" (Tcl 8.6; the Xilinx tools' Tcl is 8.5)"
                }
                ::rec::tcl86_tailcall ::rec::tcl86_@ {*}$args
            }]
        }
    }
}

rename ::exit ::rec::tcl_exit
proc ::exit {{code 0}} {
    ::rec::record [list exit $code]
    ::rec::finish $code
}
rename ::exec ::rec::tcl_exec
proc ::exec {args} {
    return [::rec::exec {*}$args]
}
rename ::info ::rec::tcl_info
proc ::info {args} {
    if {$args eq "nameofexecutable"} {
        return $::rec::executable
    }
    return [uplevel 1 [linsert $args 0 ::rec::tcl_info]]
}

::rec::main $argv
