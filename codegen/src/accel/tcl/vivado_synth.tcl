# vivado_synth.tcl: Vivado synthesis of the accelerator's RTL for a resource estimate
# (vivado_synth.rpt). Run by build_prj.tcl with vsynth=1, or on its own:
#
#   vivado -mode batch -source vivado_synth.tcl
#
# Needs the RTL of C synthesis (build_prj.tcl with synth=1). Written for the Tcl 8.5 of Vivado.

set project_dir [file dirname [file normalize [info script]]]
cd $project_dir
source [file join $project_dir project.tcl]

set rtl_dir [file join ${project_name}_prj solution1 syn verilog]
set verilog [lsort [glob -nocomplain -directory $rtl_dir *.v]]
if {[llength $verilog] == 0} {
    error "vivado_synth.tcl: no RTL in $rtl_dir: run `build_prj.tcl` with synth=1 first"
}

# An in-memory project on the board's part holds the RTL and the IP cores HLS may have used.
create_project -in_memory -part $part
read_verilog $verilog

# Memory initialisation files of the RTL's ROMs.
foreach data [lsort [glob -nocomplain -directory $rtl_dir *.dat]] {
    add_files -norecurse $data
}

# IP cores (floating-point operators, say) HLS describes with one script each.
foreach ip_script [lsort [glob -nocomplain -directory $rtl_dir *_ip.tcl]] {
    source $ip_script
}
if {[llength [get_ips -quiet]] > 0} {
    generate_target all [get_ips]
    synth_ip [get_ips]
}

# The accelerator's top, out of context: it is a core inside a design, not a chip with pins.
synth_design -top $top -part $part -mode out_of_context
report_utilization -file vivado_synth.rpt
puts "vivado_synth.tcl: utilization of $top written to vivado_synth.rpt"
