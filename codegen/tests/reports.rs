//! The Vivado / Vivado HLS report parser against real reports (`../shared/fixtures/vivado-reports`,
//! whose README states the numbers they contain — written out here as literals) and against
//! samples of the formats that have no fixture, written from the documented layouts of those
//! reports. Also: where `collect` looks in a project folder, what it lists as missing, and that
//! damaged reports give errors naming the file, never a panic.

mod common;

use hls4ml_codegen::report::{
    collect, parse_cosim_rpt, parse_csynth_rpt, parse_csynth_xml, parse_hls_app, parse_timing_summary,
    parse_utilization_rpt, CosimStatus, Section, TimingVerdict,
};
use serde_json::json;
use std::path::{Path, PathBuf};

/// The fixtures folder, or `None` (skipped) when `../shared` is absent.
fn fixtures() -> Option<PathBuf> {
    let dir = common::shared_dir()?.join("fixtures/vivado-reports");
    assert!(dir.is_dir(), "{} is missing", dir.display());
    Some(dir)
}

fn fixture(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{}: {e}", dir.join(file).display()))
}

// Where hls4ml lays the reports out, for model `myproject` (top `myproject_axi`).
const NAME: &str = "myproject";
const TOP: &str = "myproject_axi";
const APP: &str = "myproject_prj/vivado_hls.app";
const CSYNTH_XML: &str = "myproject_prj/solution1/syn/report/myproject_csynth.xml";
const CSYNTH_RPT: &str = "myproject_prj/solution1/syn/report/myproject_csynth.rpt";
const COSIM: &str = "myproject_prj/solution1/sim/report/myproject_axi_cosim.rpt";
const VIVADO_SYNTH: &str = "vivado_synth.rpt";
const UTIL: &str = "util.rpt";
const PLACED: &str = "myproject_vivado_accelerator/project_1.runs/impl_1/design_1_wrapper_utilization_placed.rpt";
const TIMING: &str = "myproject_vivado_accelerator/project_1.runs/impl_1/design_1_wrapper_timing_summary_routed.rpt";

// ---------------------------------------------------------------------------------------------
// Samples of the formats without a fixture. Layouts as Vivado HLS 2020.1 / Vivado 2020.1 print
// them (UG902 co-simulation report; UG835 `report_utilization -hierarchical`,
// `report_utilization` of a placed design, `report_timing_summary`); the numbers are invented
// but consistent (children add up to their parents, percentages are used / available).

/// A co-simulation report: Verilog simulated and passed, VHDL not run.
const COSIM_PASS: &str = "\
================================================================
== Vivado HLS Report for 'myproject_axi'
================================================================
+ General Information: 
    * Date:           Sun Mar 19 07:52:11 2023

    * Version:        2020.1 (Build 2897737 on Wed May 27 20:21:37 MDT 2020)
    * Project:        myproject_prj
    * Solution:       solution1
    * Product family: zynq
    * Target device:  xc7z020-clg400-1

+ Performance Estimates: 
    +---------+--------+-----------------+-----------------+
    |         |        |     Latency     |     Interval    |
    |   RTL   | Status | min | avg | max | min | avg | max |
    +---------+--------+-----+-----+-----+-----+-----+-----+
    |     VHDL|      NA|   NA|   NA|   NA|   NA|   NA|   NA|
    |  Verilog|    Pass|   13|   13|   13|   10|   10|   10|
    +---------+--------+-----+-----+-----+-----+-----+-----+

";

/// A failed co-simulation in Vitis HLS's layout, with its Total Execution Time column.
const COSIM_FAIL: &str = "\
================================================================
== Cosimulation Report for 'myproject_axi'
================================================================
+ General Information:
    * Date:           Tue Jan 09 10:01:44 2024
    * Version:        2022.2 (Build 3670227 on Oct 13 2022)
    * Project:        myproject_prj
    * Solution:       solution1 (Vivado IP Flow Target)
    * Product family: zynquplus
    * Target device:  xczu9eg-ffvb1156-2-e

+ Performance Estimates:
    +----------+--------+-------------------+-------------------+----------------------+
    |          |        |      Latency      |      Interval     | Total Execution Time |
    |    RTL   | Status | min |  avg  | max | min |  avg  | max |    (clock cycles)    |
    +----------+--------+-----+-------+-----+-----+-------+-----+----------------------+
    |      VHDL|      NA|   NA|     NA|   NA|   NA|     NA|   NA|                    NA|
    |   Verilog|    Fail|   12| 12.500|   14|    8|  8.250|    9|                  1058|
    +----------+--------+-----+-------+-----+-----+-------+-----+----------------------+

";

/// `report_utilization -hierarchical` of the routed pynq-z2 block design.
const UTIL_HIERARCHICAL: &str = "\
Copyright 1986-2020 Xilinx, Inc. All Rights Reserved.
--------------------------------------------------------------------------------------------------------------------------------------------
| Tool Version : Vivado v.2020.1 (lin64) Build 2902540 Wed May 27 19:54:35 MDT 2020
| Date         : Sun Mar 19 09:13:02 2023
| Host         : build running 64-bit Ubuntu 20.04.5 LTS
| Command      : report_utilization -file util.rpt -hierarchical
| Design       : design_1_wrapper
| Device       : 7z020clg400-1
| Design State : Routed
--------------------------------------------------------------------------------------------------------------------------------------------

Utilization Design Information

Table of Contents
-----------------
1. Utilization by Hierarchy

1. Utilization by Hierarchy
---------------------------

+--------------------------+---------------------------------+------------+------------+---------+------+------+--------+--------+--------------+
|         Instance         |              Module             | Total LUTs | Logic LUTs | LUTRAMs | SRLs | FFs  | RAMB36 | RAMB18 | DSP48 Blocks |
+--------------------------+---------------------------------+------------+------------+---------+------+------+--------+--------+--------------+
| design_1_wrapper         |                           (top) |       4512 |       4187 |      96 |  229 | 6381 |      2 |      1 |           66 |
|   design_1_i             |                        design_1 |       4512 |       4187 |      96 |  229 | 6381 |      2 |      1 |           66 |
|     axi_mem_intercon     |     design_1_axi_mem_intercon_0 |        612 |        540 |      62 |   10 |  890 |      0 |      0 |            0 |
|     hier_0               |              hier_0_imp_1TNN9AG |       3307 |       3124 |      34 |  149 | 4630 |      2 |      1 |           66 |
|       axi_dma_0          |            design_1_axi_dma_0_0 |       1618 |       1526 |      34 |   58 | 2205 |      2 |      0 |            0 |
|       myproject_axi_0    |      design_1_myproject_axi_0_0 |       1689 |       1598 |       0 |   91 | 2425 |      0 |      1 |           66 |
|     processing_system7_0 | design_1_processing_system7_0_0 |        103 |        103 |       0 |    0 |    0 |      0 |      0 |            0 |
|     ps7_0_axi_periph     |     design_1_ps7_0_axi_periph_0 |        470 |        400 |       0 |   70 |  806 |      0 |      0 |            0 |
|     rst_ps7_0_100M       |       design_1_rst_ps7_0_100M_0 |         20 |         20 |       0 |    0 |   55 |      0 |      0 |            0 |
+--------------------------+---------------------------------+------------+------------+---------+------+------+--------+--------+--------------+


";

/// The implementation run's placed utilization of the same design (7-series layout).
const UTIL_PLACED: &str = "\
Copyright 1986-2020 Xilinx, Inc. All Rights Reserved.
-----------------------------------------------------------------------------------------------------------------------------------------------------
| Tool Version : Vivado v.2020.1 (lin64) Build 2902540 Wed May 27 19:54:35 MDT 2020
| Date         : Sun Mar 19 09:05:40 2023
| Host         : build running 64-bit Ubuntu 20.04.5 LTS
| Command      : report_utilization -file design_1_wrapper_utilization_placed.rpt -pb design_1_wrapper_utilization_placed.pb
| Design       : design_1_wrapper
| Device       : 7z020clg400-1
| Design State : Fully Placed
-----------------------------------------------------------------------------------------------------------------------------------------------------

Utilization Design Information

Table of Contents
-----------------
1. Slice Logic
1.1 Summary of Registers by Type
2. Slice Logic Distribution
3. Memory
4. DSP

1. Slice Logic
--------------

+----------------------------+------+-------+-----------+-------+
|          Site Type         | Used | Fixed | Available | Util% |
+----------------------------+------+-------+-----------+-------+
| Slice LUTs                 | 4512 |     0 |     53200 |  8.48 |
|   LUT as Logic             | 4187 |     0 |     53200 |  7.87 |
|   LUT as Memory            |  325 |     0 |     17400 |  1.87 |
|     LUT as Distributed RAM |   96 |     0 |           |       |
|     LUT as Shift Register  |  229 |     0 |           |       |
| Slice Registers            | 6381 |     0 |    106400 |  6.00 |
|   Register as Flip Flop    | 6381 |     0 |    106400 |  6.00 |
|   Register as Latch        |    0 |     0 |    106400 |  0.00 |
| F7 Muxes                   |    0 |     0 |     26600 |  0.00 |
| F8 Muxes                   |    0 |     0 |     13300 |  0.00 |
+----------------------------+------+-------+-----------+-------+


2. Slice Logic Distribution
---------------------------

+--------------------------------------------+------+-------+-----------+-------+
|                  Site Type                 | Used | Fixed | Available | Util% |
+--------------------------------------------+------+-------+-----------+-------+
| Slice                                      | 1893 |     0 |     13300 | 14.23 |
|   SLICEL                                   | 1244 |     0 |           |       |
|   SLICEM                                   |  649 |     0 |           |       |
| LUT as Logic                               | 4187 |     0 |     53200 |  7.87 |
+--------------------------------------------+------+-------+-----------+-------+


3. Memory
---------

+-------------------+------+-------+-----------+-------+
|     Site Type     | Used | Fixed | Available | Util% |
+-------------------+------+-------+-----------+-------+
| Block RAM Tile    |  2.5 |     0 |       140 |  1.79 |
|   RAMB36/FIFO*    |    2 |     0 |       140 |  1.43 |
|     RAMB36E1 only |    2 |       |           |       |
|   RAMB18          |    1 |     0 |       280 |  0.36 |
|     RAMB18E1 only |    1 |       |           |       |
+-------------------+------+-------+-----------+-------+
* Note: Each Block RAM Tile only has one FIFO logic available and therefore can accommodate only one FIFO36E1 or one FIFO18E1. However, if a FIFO18E1 occupies a Block RAM Tile, that tile can still accommodate a RAMB18E1


4. DSP
------

+----------------+------+-------+-----------+-------+
|    Site Type   | Used | Fixed | Available | Util% |
+----------------+------+-------+-----------+-------+
| DSPs           |   66 |     0 |       220 | 30.00 |
|   DSP48E1 only |   66 |       |           |       |
+----------------+------+-------+-----------+-------+


";

/// An UltraScale+ placed utilization (zcu102), with the `Prohibited` column of newer releases.
const UTIL_PLACED_ULTRASCALE: &str = "\
| Design       : design_1_wrapper
| Device       : xczu9eg-ffvb1156-2-e
| Speed File   : -2
| Design State : Fully Placed

1. CLB Logic
------------

+----------------------------+-------+-------+------------+-----------+-------+
|          Site Type         |  Used | Fixed | Prohibited | Available | Util% |
+----------------------------+-------+-------+------------+-----------+-------+
| CLB LUTs                   | 21034 |     0 |          0 |    274080 |  7.67 |
|   LUT as Logic             | 19873 |     0 |          0 |    274080 |  7.25 |
|   LUT as Memory            |  1161 |     0 |          0 |    144000 |  0.81 |
| CLB Registers              | 30567 |     0 |          0 |    548160 |  5.58 |
|   Register as Flip Flop    | 30567 |     0 |          0 |    548160 |  5.58 |
| CARRY8                     |   512 |     0 |          0 |     34260 |  1.49 |
+----------------------------+-------+-------+------------+-----------+-------+


2. BLOCKRAM
-----------

+-------------------+------+-------+------------+-----------+-------+
|     Site Type     | Used | Fixed | Prohibited | Available | Util% |
+-------------------+------+-------+------------+-----------+-------+
| Block RAM Tile    |  5.5 |     0 |          0 |       912 |  0.60 |
|   RAMB36/FIFO*    |    4 |     0 |          0 |       912 |  0.44 |
|     RAMB36E2 only |    4 |       |            |           |       |
|   RAMB18          |    3 |     0 |          0 |      1824 |  0.16 |
|     RAMB18E2 only |    3 |       |            |           |       |
+-------------------+------+-------+------------+-----------+-------+


3. ARITHMETIC
-------------

+----------------+------+-------+------------+-----------+-------+
|    Site Type   | Used | Fixed | Prohibited | Available | Util% |
+----------------+------+-------+------------+-----------+-------+
| DSPs           |  171 |     0 |          0 |      2520 |  6.79 |
|   DSP48E2 only |  171 |       |            |           |       |
+----------------+------+-------+------------+-----------+-------+
";

/// The routed timing summary of the pynq-z2 design, met.
const TIMING_MET: &str = "\
Copyright 1986-2020 Xilinx, Inc. All Rights Reserved.
---------------------------------------------------------------------------------------------------------------------------------------------
| Tool Version : Vivado v.2020.1 (lin64) Build 2902540 Wed May 27 19:54:35 MDT 2020
| Date         : Sun Mar 19 09:13:00 2023
| Host         : build running 64-bit Ubuntu 20.04.5 LTS
| Command      : report_timing_summary -max_paths 10 -file design_1_wrapper_timing_summary_routed.rpt -pb design_1_wrapper_timing_summary_routed.pb -rpx design_1_wrapper_timing_summary_routed.rpx -warn_on_violation 
| Design       : design_1_wrapper
| Device       : 7z020-clg400
| Speed File   : -1  PRODUCTION 1.12 2019-11-22
---------------------------------------------------------------------------------------------------------------------------------------------

Timing Summary Report

------------------------------------------------------------------------------------------------
| Timer Settings
| --------------
------------------------------------------------------------------------------------------------

  Enable Multi Corner Analysis               :  Yes
  Enable Pessimism Removal                   :  Yes
  Pessimism Removal Resolution               :  Nearest Common Node
  Enable Input Delay Default Clock           :  No
  Enable Preset / Clear Arcs                 :  No
  Disable Flight Delays                      :  No
  Ignore I/O Paths                           :  No
  Timing Early Launch at Borrowing Latches   :  No
  Borrow Time for Max Delay Exceptions       :  Yes
  Merge Timing Exceptions                    :  Yes

  Corner  Analyze    Analyze    
  Name    Max Paths  Min Paths  
  ------  ---------  ---------  
  Slow    Yes        Yes        
  Fast    Yes        Yes        



check_timing report

Table of Contents
-----------------
1. checking no_clock (0)
2. checking constant_clock (0)
3. checking pulse_width_clock (0)
4. checking unconstrained_internal_endpoints (0)
5. checking no_input_delay (0)
6. checking no_output_delay (0)
7. checking multiple_clock (0)
8. checking generated_clocks (0)
9. checking loops (0)
10. checking partial_input_delay (0)
11. checking partial_output_delay (0)
12. checking latch_loops (0)

------------------------------------------------------------------------------------------------
| Design Timing Summary
| ---------------------
------------------------------------------------------------------------------------------------

    WNS(ns)      TNS(ns)  TNS Failing Endpoints  TNS Total Endpoints      WHS(ns)      THS(ns)  THS Failing Endpoints  THS Total Endpoints     WPWS(ns)     TPWS(ns)  TPWS Failing Endpoints  TPWS Total Endpoints  
    -------      -------  ---------------------  -------------------      -------      -------  ---------------------  -------------------     --------     --------  ----------------------  --------------------  
      1.187        0.000                      0                17654        0.019        0.000                      0                17654        3.750        0.000                       0                  7352  


All user specified timing constraints are met.


------------------------------------------------------------------------------------------------
| Clock Summary
| -------------
------------------------------------------------------------------------------------------------

Clock       Waveform(ns)         Period(ns)      Frequency(MHz)
-----       ------------         ----------      --------------
clk_fpga_0  {0.000 5.000}        10.000          100.000         


------------------------------------------------------------------------------------------------
| Intra Clock Table
| -----------------
------------------------------------------------------------------------------------------------

Clock             WNS(ns)      TNS(ns)  TNS Failing Endpoints  TNS Total Endpoints      WHS(ns)      THS(ns)  THS Failing Endpoints  THS Total Endpoints     WPWS(ns)     TPWS(ns)  TPWS Failing Endpoints  TPWS Total Endpoints  
-----             -------      -------  ---------------------  -------------------      -------      -------  ---------------------  -------------------     --------     --------  ----------------------  --------------------  
clk_fpga_0          1.187        0.000                      0                17654        0.019        0.000                      0                17654        3.750        0.000                       0                  7352  
";

/// A design that misses timing: only the summary section, as in the full report.
const TIMING_FAILED: &str = "\
| Design       : design_1_wrapper
| Device       : xczu9eg-ffvb1156
------------------------------------------------------------------------------------------------
| Design Timing Summary
| ---------------------
------------------------------------------------------------------------------------------------

    WNS(ns)      TNS(ns)  TNS Failing Endpoints  TNS Total Endpoints      WHS(ns)      THS(ns)  THS Failing Endpoints  THS Total Endpoints     WPWS(ns)     TPWS(ns)  TPWS Failing Endpoints  TPWS Total Endpoints  
    -------      -------  ---------------------  -------------------      -------      -------  ---------------------  -------------------     --------     --------  ----------------------  --------------------  
     -0.412      -23.518                     87                41234       -0.031       -0.094                      4                41234        1.458        0.000                       0                 16388  


Timing constraints are not met.
";

// ---------------------------------------------------------------------------------------------
// The fixtures: every number their README states.

#[test]
fn csynth_xml_fixture_gives_every_number_of_the_readme() {
    let Some(dir) = fixtures() else { return };
    let c = parse_csynth_xml(&fixture(&dir, "myproject_csynth.xml")).unwrap();
    assert_eq!(c.best_latency, Some(10));
    assert_eq!(c.worst_latency, Some(10));
    assert_eq!(c.best_latency_ns, Some(50.0));
    assert_eq!(c.worst_latency_ns, Some(50.0));
    assert_eq!(c.interval_min, Some(8));
    assert_eq!(c.interval_max, Some(8));
    assert_eq!(c.estimated_clock_ns, 4.049);
    assert_eq!(c.target_clock_ns, 5.00);
    assert_eq!((c.used.bram_18k, c.available.bram_18k), (0, 280));
    assert_eq!((c.used.dsp, c.available.dsp), (73, 220));
    assert_eq!((c.used.ff, c.available.ff), (7969, 106400));
    assert_eq!((c.used.lut, c.available.lut), (2532, 53200));
    assert_eq!((c.used.uram, c.available.uram), (Some(0), Some(0)));
    assert_eq!(c.dsp_name, "DSP48E");
    assert_eq!(c.part.as_deref(), Some("xc7z020-clg400-1"));
    assert_eq!(c.top.as_deref(), Some("myproject"));
    assert_eq!(c.version.as_deref(), Some("2020.1"));
    assert_eq!(c.pipeline.as_deref(), Some("dataflow"));
}

#[test]
fn csynth_rpt_fixture_gives_the_readme_numbers_and_agrees_with_the_xml() {
    let Some(dir) = fixtures() else { return };
    let c = parse_csynth_rpt(&fixture(&dir, "myproject_csynth.rpt")).unwrap();
    assert_eq!((c.best_latency, c.worst_latency), (Some(10), Some(10)));
    assert_eq!((c.best_latency_ns, c.worst_latency_ns), (Some(50.0), Some(50.0)));
    assert_eq!((c.interval_min, c.interval_max), (Some(8), Some(8)));
    assert_eq!((c.estimated_clock_ns, c.target_clock_ns), (4.049, 5.00));
    assert_eq!((c.used.bram_18k, c.available.bram_18k), (0, 280));
    assert_eq!((c.used.dsp, c.available.dsp), (73, 220));
    assert_eq!((c.used.ff, c.available.ff), (7969, 106400));
    assert_eq!((c.used.lut, c.available.lut), (2532, 53200));
    assert_eq!((c.used.uram, c.available.uram), (Some(0), Some(0)));
    assert_eq!(c.part.as_deref(), Some("xc7z020-clg400-1"));
    let from_xml = parse_csynth_xml(&fixture(&dir, "myproject_csynth.xml")).unwrap();
    assert_eq!(c, from_xml, "the two forms of the same report must read the same");
}

#[test]
fn vivado_synth_fixture_gives_every_number_of_the_readme() {
    let Some(dir) = fixtures() else { return };
    let u = parse_utilization_rpt(&fixture(&dir, "vivado_synth.rpt")).unwrap();
    assert_eq!(u.ramb18.map(|r| r.used), Some(0), "BRAM_18K");
    assert_eq!(u.bram_tile.used, 0.0);
    assert_eq!(u.dsp.used, 66, "DSP48E");
    assert_eq!(u.ff.used, 2428);
    assert_eq!(u.lut.used, 1526);
    assert_eq!(u.uram, None, "the part has no URAM row");
    // What the same tables say beside the used counts.
    assert_eq!((u.lut.available, u.lut.util_percent), (Some(53200), Some(2.87)));
    assert_eq!((u.ff.available, u.ff.util_percent), (Some(106400), Some(2.28)));
    assert_eq!((u.dsp.available, u.dsp.util_percent), (Some(220), Some(30.00)));
    assert_eq!(u.bram_tile.available, Some(140.0));
    assert_eq!(u.ramb18.and_then(|r| r.available), Some(280));
    assert_eq!(u.device.as_deref(), Some("7z020clg400-1"));
    assert_eq!(u.design.as_deref(), Some("myproject"));
    assert_eq!(u.state.as_deref(), Some("Synthesized"));
    assert!(u.hierarchy.is_empty());
}

#[test]
fn hls_app_fixture_names_the_solution_and_the_top() {
    let Some(dir) = fixtures() else { return };
    let app = parse_hls_app(&fixture(&dir, "vivado_hls.app")).unwrap();
    assert_eq!(app.solutions, ["solution1"]);
    assert_eq!(app.top.as_deref(), Some("myproject"));
    assert_eq!(app.name.as_deref(), Some("myproject_prj"));
}

// ---------------------------------------------------------------------------------------------
// The formats without a fixture.

#[test]
fn cosim_report_gives_status_latency_and_interval_per_rtl() {
    let c = parse_cosim_rpt(COSIM_PASS).unwrap();
    assert_eq!(c.top.as_deref(), Some("myproject_axi"));
    assert_eq!(c.part.as_deref(), Some("xc7z020-clg400-1"));
    assert_eq!(c.runs.len(), 2);
    assert_eq!(
        (c.runs[0].rtl.as_str(), c.runs[0].status),
        ("VHDL", CosimStatus::NotRun)
    );
    assert_eq!(c.runs[0].latency.min, None);
    let v = c.result().unwrap();
    assert_eq!((v.rtl.as_str(), v.status), ("Verilog", CosimStatus::Pass));
    assert_eq!(
        (v.latency.min, v.latency.avg, v.latency.max),
        (Some(13), Some(13.0), Some(13))
    );
    assert_eq!(
        (v.interval.min, v.interval.avg, v.interval.max),
        (Some(10), Some(10.0), Some(10))
    );
    assert_eq!(v.total_cycles, None);
    assert!(c.passed());

    let f = parse_cosim_rpt(COSIM_FAIL).unwrap();
    let v = f.result().unwrap();
    assert_eq!(v.status, CosimStatus::Fail);
    assert_eq!(
        (v.latency.min, v.latency.avg, v.latency.max),
        (Some(12), Some(12.5), Some(14))
    );
    assert_eq!(
        (v.interval.min, v.interval.avg, v.interval.max),
        (Some(8), Some(8.25), Some(9))
    );
    assert_eq!(v.total_cycles, Some(1058));
    assert_eq!(f.top.as_deref(), Some("myproject_axi"));
    assert!(!f.passed());
}

#[test]
fn hierarchical_utilization_gives_totals_and_every_instance() {
    let u = parse_utilization_rpt(UTIL_HIERARCHICAL).unwrap();
    assert_eq!(u.hierarchy.len(), 9);
    assert_eq!((u.lut.used, u.ff.used, u.dsp.used), (4512, 6381, 66));
    assert_eq!(u.ramb36.map(|r| r.used), Some(2));
    assert_eq!(u.ramb18.map(|r| r.used), Some(1));
    assert_eq!(u.bram_tile.used, 2.5, "2 RAMB36 + 1 RAMB18 = 2.5 tiles");
    assert_eq!(
        u.lut.available, None,
        "the hierarchical report states no available amounts"
    );
    assert_eq!(u.uram, None);
    assert_eq!(u.state.as_deref(), Some("Routed"));
    let top = &u.hierarchy[0];
    assert_eq!(
        (top.instance.as_str(), top.module.as_str(), top.depth),
        ("design_1_wrapper", "(top)", 0)
    );
    let core = u.instance("myproject_axi_0").unwrap();
    assert_eq!(core.module, "design_1_myproject_axi_0_0");
    assert_eq!(core.depth, 3);
    assert_eq!(
        (core.lut, core.ff, core.ramb36, core.ramb18, core.dsp),
        (1689, 2425, 0, 1, 66)
    );
    assert_eq!(u.instance("hier_0").unwrap().depth, 2);
    // The rows at each level add up to their parent, as in the report.
    let children: u64 = u.hierarchy.iter().filter(|r| r.depth == 2).map(|r| r.lut).sum();
    assert_eq!(children, u.hierarchy[1].lut);
}

#[test]
fn placed_utilization_gives_used_available_and_percent() {
    let u = parse_utilization_rpt(UTIL_PLACED).unwrap();
    assert_eq!(
        (u.lut.used, u.lut.available, u.lut.util_percent),
        (4512, Some(53200), Some(8.48))
    );
    assert_eq!(
        (u.ff.used, u.ff.available, u.ff.util_percent),
        (6381, Some(106400), Some(6.00))
    );
    assert_eq!(
        (u.bram_tile.used, u.bram_tile.available, u.bram_tile.util_percent),
        (2.5, Some(140.0), Some(1.79))
    );
    assert_eq!(u.ramb36.map(|r| (r.used, r.available)), Some((2, Some(140))));
    assert_eq!(u.dsp.used, 66);
    assert_eq!(u.uram, None);

    let us = parse_utilization_rpt(UTIL_PLACED_ULTRASCALE).unwrap();
    assert_eq!(
        (us.lut.used, us.lut.available, us.lut.util_percent),
        (21034, Some(274080), Some(7.67))
    );
    assert_eq!((us.ff.used, us.ff.available), (30567, Some(548160)));
    assert_eq!((us.bram_tile.used, us.bram_tile.available), (5.5, Some(912.0)));
    assert_eq!(
        (us.dsp.used, us.dsp.available, us.dsp.util_percent),
        (171, Some(2520), Some(6.79))
    );
    assert_eq!(us.device.as_deref(), Some("xczu9eg-ffvb1156-2-e"));
}

#[test]
fn utilization_below_a_hundredth_of_a_percent_reads_as_0_01() {
    let text = "\
+-----------------+------+-------+-----------+-------+
|    Site Type    | Used | Fixed | Available | Util% |
+-----------------+------+-------+-----------+-------+
| Slice LUTs*     |    4 |     0 |     53200 | <0.01 |
| Slice Registers |    2 |     0 |    106400 | <0.01 |
+-----------------+------+-------+-----------+-------+
+----------------+------+-------+-----------+-------+
|   Site Type    | Used | Fixed | Available | Util% |
+----------------+------+-------+-----------+-------+
| Block RAM Tile |  0.5 |     0 |       140 |  0.36 |
| DSPs           |    0 |     0 |       220 |  0.00 |
+----------------+------+-------+-----------+-------+
";
    let u = parse_utilization_rpt(text).unwrap();
    assert_eq!((u.lut.used, u.lut.util_percent), (4, Some(0.01)));
    assert_eq!(u.bram_tile.used, 0.5);
}

#[test]
fn timing_summary_gives_slacks_and_whether_constraints_are_met() {
    let t = parse_timing_summary(TIMING_MET).unwrap();
    assert_eq!(
        (t.wns_ns, t.tns_ns, t.tns_failing_endpoints),
        (Some(1.187), Some(0.0), Some(0))
    );
    assert_eq!(
        (t.whs_ns, t.ths_ns, t.ths_failing_endpoints),
        (Some(0.019), Some(0.0), Some(0))
    );
    assert_eq!(t.wpws_ns, Some(3.750));
    assert_eq!(t.verdict, TimingVerdict::Met);
    assert!(t.met());
    assert_eq!(t.design.as_deref(), Some("design_1_wrapper"));
    assert_eq!(t.device.as_deref(), Some("7z020-clg400"));

    let f = parse_timing_summary(TIMING_FAILED).unwrap();
    assert_eq!(
        (f.wns_ns, f.tns_ns, f.tns_failing_endpoints),
        (Some(-0.412), Some(-23.518), Some(87))
    );
    assert_eq!(
        (f.whs_ns, f.ths_ns, f.ths_failing_endpoints),
        (Some(-0.031), Some(-0.094), Some(4))
    );
    assert_eq!(f.verdict, TimingVerdict::NotMet);
    assert!(!f.met());

    let unconstrained = TIMING_FAILED
        .replace(
            "Timing constraints are not met.",
            "There are no user specified timing constraints.",
        )
        .replace(
            "     -0.412      -23.518                     87",
            "         NA           NA                     NA",
        )
        .replace(
            "      -0.031       -0.094                      4",
            "           NA           NA                     NA",
        );
    let u = parse_timing_summary(&unconstrained).unwrap();
    assert_eq!((u.wns_ns, u.whs_ns, u.tns_failing_endpoints), (None, None, None));
    assert_eq!(u.verdict, TimingVerdict::NoConstraints);
}

#[test]
fn csynth_xml_with_unbounded_latency_and_vitis_dsp_name() {
    // Vitis HLS names the DSP count `DSP`, and prints `undef` for a latency it cannot bound.
    let text = "<profile><UserAssignments><unit>ns</unit><Part>xcu250-figd2104-2L-e</Part>\
        <TargetClockPeriod>3.33</TargetClockPeriod></UserAssignments>\
        <PerformanceEstimates><SummaryOfTimingAnalysis><unit>ns</unit><EstimatedClockPeriod>2.920</EstimatedClockPeriod>\
        </SummaryOfTimingAnalysis><SummaryOfOverallLatency><Best-caseLatency>undef</Best-caseLatency>\
        <Worst-caseLatency>undef</Worst-caseLatency><Interval-min>undef</Interval-min><Interval-max>undef</Interval-max>\
        </SummaryOfOverallLatency></PerformanceEstimates><AreaEstimates><Resources><BRAM_18K>4</BRAM_18K><DSP>171</DSP>\
        <FF>9744</FF><LUT>19834</LUT><URAM>0</URAM></Resources><AvailableResources><BRAM_18K>4032</BRAM_18K>\
        <DSP>12288</DSP><FF>3456000</FF><LUT>1728000</LUT><URAM>1280</URAM></AvailableResources></AreaEstimates></profile>";
    let c = parse_csynth_xml(text).unwrap();
    assert_eq!((c.best_latency, c.worst_latency, c.interval_min), (None, None, None));
    assert_eq!(c.dsp_name, "DSP");
    assert_eq!(
        (c.used.dsp, c.available.dsp, c.available.uram),
        (171, 12288, Some(1280))
    );
    assert_eq!((c.target_clock_ns, c.estimated_clock_ns), (3.33, 2.920));
}

#[test]
fn wrong_kinds_of_file_are_errors_saying_what_they_are_not() {
    assert!(parse_csynth_xml("<project/>")
        .unwrap_err()
        .message()
        .contains("not a C synthesis report"));
    assert!(parse_csynth_rpt("hello\n")
        .unwrap_err()
        .message()
        .contains("not a C synthesis report"));
    assert!(parse_cosim_rpt(UTIL_PLACED)
        .unwrap_err()
        .message()
        .contains("not a co-simulation report"));
    assert!(parse_utilization_rpt(TIMING_MET)
        .unwrap_err()
        .message()
        .contains("not a Vivado utilization report"));
    assert!(parse_timing_summary(COSIM_PASS)
        .unwrap_err()
        .message()
        .contains("not a timing summary"));
    assert!(parse_hls_app("<profile/>")
        .unwrap_err()
        .message()
        .contains("not an HLS project file"));
    let e =
        parse_csynth_xml("<profile><UserAssignments><TargetClockPeriod>5</TargetClockPeriod></profile>").unwrap_err();
    assert!(e.message().contains("line 1"), "{}", e.message());
}

// ---------------------------------------------------------------------------------------------
// collect(): the project layout.

/// Writes `files` (path relative to the project, text) into a fresh project folder.
fn project(label: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = common::fresh_dir("reports", label);
    for (rel, text) in files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn fixture_files(dir: &Path) -> Vec<(&'static str, String)> {
    vec![
        (APP, fixture(dir, "vivado_hls.app")),
        (CSYNTH_XML, fixture(dir, "myproject_csynth.xml")),
        (CSYNTH_RPT, fixture(dir, "myproject_csynth.rpt")),
        (VIVADO_SYNTH, fixture(dir, "vivado_synth.rpt")),
    ]
}

fn borrowed<'a>(files: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    files.iter().map(|(p, t)| (*p, t.as_str())).collect()
}

#[test]
fn collect_finds_the_fixtures_in_the_hls4ml_layout_and_lists_what_is_missing() {
    let Some(fx) = fixtures() else { return };
    let files = fixture_files(&fx);
    let dir = project("fixtures", &borrowed(&files));
    let r = collect(&dir, NAME, TOP).unwrap();

    // `myproject_axi_csynth.xml` does not exist: the app's top (`myproject`) names the report.
    assert_eq!(r.source(Section::Csynth), Some(Path::new(CSYNTH_XML)));
    assert_eq!(r.source(Section::VivadoSynth), Some(Path::new(VIVADO_SYNTH)));
    let c = r.csynth.as_ref().unwrap();
    assert_eq!((c.worst_latency, c.used.dsp, c.used.lut), (Some(10), 73, 2532));
    assert_eq!(r.vivado_synth.as_ref().unwrap().dsp.used, 66);
    assert!(r.cosim.is_none() && r.implementation.is_none() && r.timing.is_none());

    let missing: Vec<(Section, Vec<PathBuf>)> = r.missing.iter().map(|m| (m.section, m.paths.clone())).collect();
    assert_eq!(
        missing,
        [
            (Section::Cosim, vec![PathBuf::from(COSIM)]),
            (
                Section::Implementation,
                vec![PathBuf::from(UTIL), PathBuf::from(PLACED)]
            ),
            (Section::Timing, vec![PathBuf::from(TIMING)]),
        ]
    );
    let table = r.table();
    assert!(table.contains("Missing reports"), "{table}");
    for m in [COSIM, UTIL, PLACED, TIMING] {
        assert!(table.contains(m), "the table names the missing {m}:\n{table}");
    }

    // With nothing at all, every section is missing, the C synthesis one at this project's top.
    let empty = collect(&common::fresh_dir("reports", "empty"), NAME, TOP).unwrap();
    assert_eq!(empty.missing.len(), 5);
    assert_eq!(
        empty.missing[0].paths[0],
        PathBuf::from("myproject_prj/solution1/syn/report/myproject_axi_csynth.xml")
    );
    assert!(empty.read.is_empty());
}

#[test]
fn collect_prefers_the_axi_top_and_falls_back_to_the_text_report() {
    let Some(fx) = fixtures() else { return };
    let xml = fixture(&fx, "myproject_csynth.xml");
    let rpt = fixture(&fx, "myproject_csynth.rpt");
    // The wrapper's report beside the firmware's: the one named after `top` wins.
    let wrapper_xml = xml.replace("<LUT>2532</LUT>", "<LUT>2600</LUT>");
    let dir = project(
        "axi-top",
        &[
            (
                "myproject_prj/solution1/syn/report/myproject_axi_csynth.xml",
                &wrapper_xml,
            ),
            (CSYNTH_XML, &xml),
        ],
    );
    let r = collect(&dir, NAME, TOP).unwrap();
    assert_eq!(r.csynth.unwrap().used.lut, 2600);
    // Only the text report: it is read.
    let dir = project("rpt-only", &[(CSYNTH_RPT, &rpt)]);
    let r = collect(&dir, NAME, TOP).unwrap();
    assert_eq!(r.source(Section::Csynth), Some(Path::new(CSYNTH_RPT)));
    assert_eq!(r.csynth.unwrap().used.ff, 7969);
    // Under another name, with a sub-module's report beside it: the top's (most LUTs) is taken.
    let sub = xml.replace("<LUT>2532</LUT>", "<LUT>256</LUT>");
    let dir = project(
        "other-names",
        &[
            ("myproject_prj/solution1/syn/report/relu_array_csynth.xml", &sub),
            ("myproject_prj/solution1/syn/report/renamed_csynth.xml", &xml),
        ],
    );
    let r = collect(&dir, NAME, TOP).unwrap();
    assert_eq!(r.csynth.unwrap().used.lut, 2532);
    assert_eq!(
        r.read[0].path,
        PathBuf::from("myproject_prj/solution1/syn/report/renamed_csynth.xml")
    );
}

#[test]
fn collect_reads_every_section_and_the_table_and_json_show_the_numbers() {
    let Some(fx) = fixtures() else { return };
    let mut files = fixture_files(&fx);
    files.extend([
        (COSIM, COSIM_PASS.to_string()),
        (UTIL, UTIL_HIERARCHICAL.to_string()),
        (PLACED, UTIL_PLACED.to_string()),
        (TIMING, TIMING_MET.to_string()),
    ]);
    let dir = project("all", &borrowed(&files));
    let r = collect(&dir, NAME, TOP).unwrap();
    assert!(r.missing.is_empty(), "{:?}", r.missing);
    assert_eq!(r.read.len(), 6, "{:?}", r.read);
    let imp = r.implementation.as_ref().unwrap();
    assert_eq!(imp.placed.as_ref().unwrap().lut.available, Some(53200));
    assert_eq!(
        imp.hierarchical
            .as_ref()
            .unwrap()
            .instance("myproject_axi_0")
            .unwrap()
            .lut,
        1689
    );
    assert!(r.timing.as_ref().unwrap().met());
    assert_eq!(r.cosim.as_ref().unwrap().result().unwrap().latency.max, Some(13));
    // One part, spelled three ways across the reports.
    assert!(
        r.other_parts("xc7z020clg400-1").is_empty(),
        "{:?}",
        r.other_parts("xc7z020clg400-1")
    );
    assert_eq!(r.other_parts("xczu9eg-ffvb1156-2-e").len(), 6);

    let table = r.table();
    println!("{table}");
    for (what, text) in [
        (
            "best/worst latency",
            "best 10 cycles (50.000 ns), worst 10 cycles (50.000 ns)",
        ),
        ("interval", "min 8, max 8 cycles"),
        ("clock", "target 5.000 ns, estimated 4.049 ns"),
        ("part", "xc7z020-clg400-1"),
        ("cosim", "Pass"),
        ("timing", "WNS 1.187 ns, TNS 0.000 ns"),
        ("timing", "WHS 0.019 ns, THS 0.000 ns"),
        ("timing", "all constraints met"),
        ("core row", "myproject_axi_0"),
    ] {
        assert!(table.contains(text), "the table lacks the {what} `{text}`:\n{table}");
    }
    for (resource, used, available) in [
        ("BRAM_18K", "0", "280"),
        ("DSP48E", "73", "220"),
        ("FF", "7969", "106400"),
        ("LUT", "2532", "53200"),
        ("URAM", "0", "0"),
        ("LUT", "1526", "53200"),
        ("FF", "2428", "106400"),
        ("DSP", "66", "220"),
    ] {
        let found = table.lines().any(|l| {
            let cells: Vec<&str> = l.split_whitespace().collect();
            cells.len() >= 3 && cells[0] == resource && cells[1] == used && cells[2] == available
        });
        assert!(found, "the table lacks the row {resource} {used} {available}:\n{table}");
    }

    let j = r.to_json();
    for (pointer, want) in [
        ("/csynth/best_latency", json!(10)),
        ("/csynth/worst_latency", json!(10)),
        ("/csynth/best_latency_ns", json!(50.0)),
        ("/csynth/interval_min", json!(8)),
        ("/csynth/interval_max", json!(8)),
        ("/csynth/estimated_clock_ns", json!(4.049)),
        ("/csynth/target_clock_ns", json!(5.0)),
        ("/csynth/used/bram_18k", json!(0)),
        ("/csynth/available/bram_18k", json!(280)),
        ("/csynth/used/dsp", json!(73)),
        ("/csynth/available/dsp", json!(220)),
        ("/csynth/used/ff", json!(7969)),
        ("/csynth/available/ff", json!(106400)),
        ("/csynth/used/lut", json!(2532)),
        ("/csynth/available/lut", json!(53200)),
        ("/csynth/used/uram", json!(0)),
        ("/csynth/available/uram", json!(0)),
        ("/csynth/part", json!("xc7z020-clg400-1")),
        ("/vivado_synth/ramb18/used", json!(0)),
        ("/vivado_synth/dsp/used", json!(66)),
        ("/vivado_synth/ff/used", json!(2428)),
        ("/vivado_synth/lut/used", json!(1526)),
        ("/vivado_synth/uram", json!(null)),
        ("/cosim/runs/1/status", json!("pass")),
        ("/timing/wns_ns", json!(1.187)),
        ("/timing/verdict", json!("met")),
        ("/implementation/placed/dsp/available", json!(220)),
        ("/read/0/section", json!("csynth")),
        ("/read/0/path", json!(CSYNTH_XML)),
        ("/missing", json!([])),
    ] {
        assert_eq!(j.pointer(pointer), Some(&want), "JSON {pointer}");
    }
    // The JSON is valid text, as `--json` prints it.
    let text = serde_json::to_string_pretty(&j).unwrap();
    assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), j);
}

#[test]
fn collect_names_the_file_of_a_report_it_cannot_read() {
    let dir = project(
        "corrupt",
        &[
            (COSIM, "this is not a co-simulation report\n"),
            (TIMING, &TIMING_MET.replace("      1.187", "      x.187")),
        ],
    );
    let e = collect(&dir, NAME, TOP).unwrap_err();
    let files: Vec<PathBuf> = e.diagnostics().iter().filter_map(|d| d.file.clone()).collect();
    assert_eq!(
        files,
        [dir.join(COSIM), dir.join(TIMING)],
        "both errors are reported:\n{e}"
    );
    assert!(e.to_string().contains("`x.187` is not a number"), "{e}");

    let gone = common::fresh_dir("reports", "gone").join("nothing-here");
    let e = collect(&gone, NAME, TOP).unwrap_err();
    assert!(e.to_string().contains("does not exist"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// Damaged reports: an error naming the file, never a panic.

/// Deterministic damage: flip, delete, duplicate or insert a piece, 1–3 times.
fn mutate(text: &[u8], seed: u64) -> Vec<u8> {
    let mut rng = common::Rng::new(seed);
    let mut b = text.to_vec();
    let noise: [&[u8]; 9] = [
        b"|",
        b"<",
        b">",
        b"</a>",
        b"NA",
        b"-",
        b"\n",
        b"+---+",
        b"99999999999999999999999",
    ];
    for _ in 0..1 + rng.below(3) {
        if b.is_empty() {
            b.extend_from_slice(noise[rng.below(noise.len())]);
            continue;
        }
        let at = rng.below(b.len());
        let len = 1 + rng.below(40.min(b.len() - at));
        match rng.below(4) {
            0 => b[at] = rng.next() as u8,
            1 => {
                b.drain(at..at + len);
            }
            2 => {
                let piece = b[at..at + len].to_vec();
                b.splice(at..at, piece);
            }
            _ => {
                let piece = noise[rng.below(noise.len())];
                b.splice(at..at, piece.iter().copied());
            }
        }
    }
    b
}

/// Runs `collect` over a project whose file `rel` holds `bytes` (the other files intact).
/// Returns `Ok(true)` for a parse, `Ok(false)` for an error naming the file; `Err` on a panic or
/// an error that does not name the file.
fn run_damaged(dir: &Path, rel: &str, bytes: &[u8]) -> Result<bool, String> {
    std::fs::write(dir.join(rel), bytes).unwrap();
    match std::panic::catch_unwind(|| collect(dir, NAME, TOP)) {
        Ok(Ok(_)) => Ok(true),
        Ok(Err(e))
            if e.diagnostics()
                .iter()
                .any(|d| d.file.as_deref() == Some(&dir.join(rel))) =>
        {
            Ok(false)
        }
        Ok(Err(e)) => Err(format!("the error does not name {rel}: {e}")),
        Err(_) => Err("panicked".to_string()),
    }
}

#[test]
fn damaged_reports_give_errors_naming_the_file_never_a_panic() {
    let Some(fx) = fixtures() else { return };
    let mut files = fixture_files(&fx);
    files.extend([
        (COSIM, COSIM_PASS.to_string()),
        (UTIL, UTIL_HIERARCHICAL.to_string()),
        (PLACED, UTIL_PLACED.to_string()),
        (TIMING, TIMING_MET.to_string()),
    ]);
    let dir = project("damaged", &borrowed(&files));
    let cases = common::fuzz_cases(150);
    let mut failures = Vec::new();
    let (mut parsed, mut refused) = (0, 0);
    for (i, (rel, text)) in files.iter().enumerate() {
        // The text report of C synthesis is read only when there is no XML.
        let xml_path = dir.join(CSYNTH_XML);
        if *rel == CSYNTH_RPT {
            std::fs::remove_file(&xml_path).unwrap();
        }
        // Truncated: every cut before the end of what the parser needs is an error, and the
        // cut right there still parses (so the boundary is where the test says).
        let needed = needed_until(rel, text);
        let cuts = (0..24)
            .map(|k| needed * k / 24)
            .chain([1, 2, 3, 5, 8, 13, 21, 34, 55].map(|d| needed - d));
        for cut in cuts {
            match run_damaged(&dir, rel, &text.as_bytes()[..cut]) {
                Ok(false) => refused += 1,
                Ok(true) => failures.push(format!("{rel} cut at {cut} of {needed}: parsed")),
                Err(why) => failures.push(format!("{rel} cut at {cut}: {why}")),
            }
        }
        match run_damaged(&dir, rel, &text.as_bytes()[..needed]) {
            Ok(true) => {}
            other => failures.push(format!("{rel} cut at {needed}, after all it needs: {other:?}")),
        }
        // Corrupted: never a panic, and any error names the file.
        for n in 0..cases {
            let seed = (i as u64) << 32 | n;
            match run_damaged(&dir, rel, &mutate(text.as_bytes(), seed)) {
                Ok(true) => parsed += 1,
                Ok(false) => refused += 1,
                Err(why) => failures.push(format!("{rel} mutate(seed {seed:#x}): {why}")),
            }
        }
        std::fs::write(dir.join(rel), text).unwrap();
        if *rel == CSYNTH_RPT {
            std::fs::write(&xml_path, &files[1].1).unwrap();
        }
    }
    println!("damaged reports: {parsed} still parsed, {refused} refused with the file named");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        refused > 0 && parsed > 0,
        "the mutations should both break and spare the reports"
    );
}

/// The shortest prefix of a report its parser reads (a cut before it must fail): for XML the
/// whole document; for the timing summary the sentence saying whether constraints are met; for the
/// ruled tables the start of the rule closing the table of the last row read.
fn needed_until(rel: &str, text: &str) -> usize {
    let find = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{rel}: `{needle}` not found"))
    };
    let closing_rule = |row: &str| {
        let mut at = find(row);
        loop {
            at += text[at..].find('\n').expect("a rule follows") + 1;
            let line = &text[at..];
            if line.trim_start().starts_with("+-") {
                return at + (line.len() - line.trim_start().len()) + 2;
            }
        }
    };
    match rel {
        APP | CSYNTH_XML => text.trim_end().len(),
        CSYNTH_RPT => closing_rule("|Available"),
        COSIM => closing_rule("|  Verilog|"),
        VIVADO_SYNTH | PLACED => closing_rule("| DSPs "),
        UTIL => closing_rule("|     rst_ps7_0_100M"),
        TIMING => {
            let s = "All user specified timing constraints are met.";
            find(s) + s.len()
        }
        _ => unreachable!("{rel}"),
    }
}

#[test]
fn json_of_a_report_without_sections_is_all_null_and_the_missing_list() {
    let r = collect(&common::fresh_dir("reports", "json-empty"), NAME, TOP).unwrap();
    let j = r.to_json();
    for key in ["csynth", "cosim", "vivado_synth", "implementation", "timing"] {
        assert_eq!(j[key], serde_json::Value::Null, "{key}");
    }
    assert_eq!(j["missing"].as_array().unwrap().len(), 5);
    assert_eq!(j["missing"][4]["section"], json!("timing"));
    assert_eq!(j["missing"][4]["paths"][0], json!(TIMING));
}
