# link.tcl: links the accelerator's kernel into an FPGA binary (.xclbin) for the Alveo card's
# shell with `v++ --link`. Run with any Tcl shell (tclsh, or Vivado's):
#
#   tclsh link.tcl [target=hw] [platform=<shell>] [jobs=N]
#
#   target    hw (default), hw_emu or sw_emu: what v++ builds
#   platform  the shell installed on the card (default: project.tcl's, from the TOML's [board])
#   jobs      parallel jobs of Vivado synthesis and implementation inside v++ (default 8)
#
# Needs the kernel: `vitis_hls -f build_prj.tcl -tclargs "synth=1 export=1"` writes it.
# The kernel's instances and the memory its buffers live in are in connectivity.cfg.

set project_dir [file dirname [file normalize [info script]]]
cd $project_dir
source [file join $project_dir project.tcl]

array set opt [list target hw platform $platform jobs 8]
set arguments [expr {[info exists ::argv] ? $::argv : {}}]
foreach word [concat {*}$arguments] {
    if {![regexp {^([a-z_]+)=(.+)$} $word -> key value] || ![info exists opt($key)]} {
        error "link.tcl: unknown option `$word`; the options are\
               [join [lsort [array names opt]] {, }], each as key=value"
    }
    set opt($key) $value
}
if {$opt(target) ni {hw hw_emu sw_emu}} {
    error "link.tcl: target=$opt(target): the target is hw, hw_emu or sw_emu"
}
if {![string is integer -strict $opt(jobs)] || $opt(jobs) < 1} {
    error "link.tcl: jobs=$opt(jobs): the number of jobs is a positive integer"
}

if {![file exists $kernel_xo]} {
    error "link.tcl: the kernel $kernel_xo is missing: run\
           `vitis_hls -f build_prj.tcl -tclargs \"synth=1 export=1\"` first"
}
if {![file exists connectivity.cfg]} {
    error "link.tcl: connectivity.cfg is missing: regenerate the project"
}

# The binary: <model>.xclbin for the hardware, <model>.<target>.xclbin for an emulation.
if {$opt(target) eq "hw"} {
    set binary ${project_name}.xclbin
} else {
    set binary ${project_name}.$opt(target).xclbin
}
set command [list v++ --link --target $opt(target) --platform $opt(platform) \
                 --config connectivity.cfg --kernel_frequency $kernel_frequency_mhz \
                 --vivado.synth.jobs $opt(jobs) --vivado.impl.jobs $opt(jobs) \
                 --output $binary $kernel_xo]
puts "link.tcl: [join $command]"
if {[catch {exec {*}$command >@ stdout 2>@ stderr} message]} {
    error "link.tcl: v++ --link failed: $message"
}
puts "link.tcl: $binary written"
