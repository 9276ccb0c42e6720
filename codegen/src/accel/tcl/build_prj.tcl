# build_prj.tcl: the accelerator's high-level synthesis, with Vivado HLS or Vitis HLS.
#
#   vivado_hls -f build_prj.tcl "csim=1 synth=1 export=1"
#   vitis_hls -f build_prj.tcl -tclargs "csim=1 synth=1 export=1"
#
# Options, key=value; 1 runs a step, 0 skips it (default in brackets). Only the steps asked for
# run, in this order; a step that needs the RTL finds it from this run or from an earlier one.
#   reset       [0]  start the HLS project over (open_project -reset, open_solution -reset)
#   csim        [1]  C simulation: the accelerator's testbench on tb_data/
#   synth       [1]  C synthesis to RTL
#   cosim       [0]  C/RTL co-simulation (needs the RTL)
#   validation  [0]  compare the outputs of csim and cosim (tb_data/csim_results.log and
#                    tb_data/rtl_cosim_results.log, written by the testbench; needs both)
#   export      [0]  package the RTL: an IP for the Vivado IP catalog (Zynq, read by design.tcl),
#                    or a kernel .xo (Alveo, read by link.tcl); needs the RTL
#   vsynth      [0]  Vivado synthesis of the RTL for a resource estimate (vivado_synth.tcl)
#   tool        [from project.tcl]  vivado_hls or vitis_hls: which tool runs this script, when
#                    project.tcl says "auto" and the running tool cannot be told from its name
# Every setting of the project (names, part, clock, files) is in project.tcl. Written for the Tcl
# 8.5 of the Xilinx tools.

set project_dir [file dirname [file normalize [info script]]]
cd $project_dir
source [file join $project_dir project.tcl]

# --- Options ----------------------------------------------------------------------------------
array set opt {reset 0 csim 1 synth 1 cosim 0 validation 0 export 0 vsynth 0 tool {}}
set arguments [expr {[info exists ::argv] ? $::argv : {}}]
foreach word [concat {*}$arguments] {
    if {$word eq "-tclargs"} {
        continue
    }
    if {![regexp {^([a-z_]+)=(.*)$} $word -> key value] || ![info exists opt($key)]} {
        error "build_prj.tcl: unknown option `$word`; the options are\
               [join [lsort [array names opt]] {, }], each as key=value"
    }
    if {$key eq "tool"} {
        if {$value ni {vivado_hls vitis_hls}} {
            error "build_prj.tcl: tool=$value: the tool is vivado_hls or vitis_hls"
        }
    } elseif {$value ni {0 1}} {
        error "build_prj.tcl: $key=$value: a step is run with 1 and skipped with 0"
    }
    set opt($key) $value
}

# --- Which HLS tool runs this script ----------------------------------------------------------
# The running executable names itself (vivado_hls or vitis_hls); "" when its name does not say.
proc running_hls_tool {} {
    set exe [string tolower [file tail [info nameofexecutable]]]
    foreach tool {vitis_hls vivado_hls} {
        if {[string match "*$tool*" $exe]} {
            return $tool
        }
    }
    return ""
}

set running [running_hls_tool]
set tool $hls_tool
if {$opt(tool) ne ""} {
    set tool $opt(tool)
}
if {$tool eq "auto"} {
    if {$running ne ""} {
        set tool $running
    } elseif {[info exists ::env(XILINX_HLS)]} {
        # Vitis HLS's environment defines XILINX_HLS; Vivado HLS's does not.
        set tool vitis_hls
    } else {
        set tool vivado_hls
    }
} elseif {$running ne "" && $running ne $tool} {
    error "build_prj.tcl: this project is set up for $tool (\[hls\] tool in the TOML, or tool=),\
           but $running is running it; run it with $tool, or regenerate the project with\
           tool = \"auto\""
}
if {$flow_target eq "vitis" && $tool ne "vitis_hls"} {
    error "build_prj.tcl: the Alveo kernel (.xo) of $top is packaged by Vitis HLS (2020.2 or newer):\
           run `vitis_hls -f build_prj.tcl`; $tool cannot"
}
set steps {}
foreach step {reset csim synth cosim validation export vsynth} {
    if {$opt($step)} {
        lappend steps $step
    }
}
puts "build_prj.tcl: $top with $tool for $part at $clock_period ns; steps: [join $steps {, }]"

# --- The HLS project --------------------------------------------------------------------------
if {$opt(reset)} {
    open_project -reset ${project_name}_prj
} else {
    open_project ${project_name}_prj
}
set_top $top
foreach source $hls_sources {
    add_files $source -cflags $hls_cflags
}
add_files -tb $hls_testbench -cflags $hls_cflags
add_files -tb $hls_tb_data

# The solution: Vitis HLS is told whether it makes a Vivado IP or a Vitis kernel.
set solution_options {}
if {$opt(reset)} {
    lappend solution_options -reset
}
if {$tool eq "vitis_hls"} {
    lappend solution_options -flow_target $flow_target
}
open_solution {*}$solution_options solution1
set_part $part
create_clock -period $clock_period -name default
set_clock_uncertainty $clock_uncertainty default

# Settings hls4ml users know: long names kept readable, no forced DSP output registers, and (Vivado
# HLS only; Vitis HLS sizes partitions itself) arrays of up to $maximum_size elements partitioned.
config_compile -name_max_length 80
config_schedule -enable_dsp_full_reg=false
if {$tool eq "vivado_hls"} {
    config_array_partition -maximum_size $maximum_size
}
if {$interface eq "axi_master"} {
    # 64-bit buffer addresses: the control registers' layout the drivers read (0x10, 0x1c, 0x28).
    config_interface -m_axi_addr64
}

# The RTL of C synthesis, from this run or an earlier one.
set rtl_dir [file join ${project_name}_prj solution1 syn verilog]
proc need_rtl {step} {
    global rtl_dir
    if {![file isdirectory $rtl_dir]} {
        error "build_prj.tcl: $step needs the RTL of C synthesis, and $rtl_dir does not exist:\
               run with synth=1 first (or together)"
    }
}

proc report_time {step start} {
    set seconds [expr {([clock milliseconds] - $start) / 1000}]
    puts [format "build_prj.tcl: %s done in %dh%02dm%02ds" $step \
              [expr {$seconds / 3600}] [expr {$seconds / 60 % 60}] [expr {$seconds % 60}]]
}

# --- The steps --------------------------------------------------------------------------------
if {$opt(csim)} {
    set start [clock milliseconds]
    csim_design
    report_time "C simulation" $start
}

if {$opt(synth)} {
    set start [clock milliseconds]
    csynth_design
    report_time "C synthesis" $start
}

if {$opt(cosim)} {
    need_rtl "co-simulation"
    set start [clock milliseconds]
    # Under co-simulation the testbench writes its outputs to tb_data/rtl_cosim_results.log.
    add_files -tb $hls_testbench -cflags "$hls_cflags -DRTL_SIM"
    cosim_design
    report_time "C/RTL co-simulation" $start
}

if {$opt(validation)} {
    # The co-simulation's log is beside the csim one, or in the folder the simulation ran in.
    set cosim_log tb_data/rtl_cosim_results.log
    if {![file exists $cosim_log]} {
        set found [glob -nocomplain [file join ${project_name}_prj solution1 sim * tb_data rtl_cosim_results.log]]
        if {[llength $found] > 0} {
            set cosim_log [lindex $found 0]
        }
    }
    set logs [list tb_data/csim_results.log $cosim_log]
    foreach log $logs {
        if {![file exists $log]} {
            error "build_prj.tcl: validation compares the outputs of csim and cosim, and $log is\
                   missing: run with csim=1 cosim=1"
        }
    }
    set texts {}
    foreach log $logs {
        set channel [open $log r]
        lappend texts [read $channel]
        close $channel
    }
    if {[lindex $texts 0] ne [lindex $texts 1]} {
        error "build_prj.tcl: validation failed: [lindex $logs 0] and [lindex $logs 1] differ"
    }
    puts "build_prj.tcl: validation passed: C simulation and co-simulation agree"
}

if {$opt(export)} {
    need_rtl "export"
    set start [clock milliseconds]
    if {$flow_target eq "vitis"} {
        # The Vitis kernel for v++ --link (link.tcl).
        export_design -format xo -output [file join $project_dir $kernel_xo]
    } else {
        # The IP ${ip_vendor}:${ip_library}:${top}:${ip_version} under ${project_name}_prj/solution1/impl/ip,
        # the repository design.tcl adds to the IP catalog.
        export_design -format ip_catalog -rtl verilog -vendor $ip_vendor -library $ip_library \
            -version $ip_version -description "hls4ml accelerator $top"
    }
    report_time "export" $start
}

if {$opt(vsynth)} {
    need_rtl "Vivado synthesis"
    set start [clock milliseconds]
    if {[catch {exec vivado -mode batch -source vivado_synth.tcl >@ stdout 2>@ stderr} message]} {
        error "build_prj.tcl: Vivado synthesis (vivado -mode batch -source vivado_synth.tcl) failed:\
               $message"
    }
    report_time "Vivado synthesis" $start
}

exit
