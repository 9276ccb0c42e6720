#!/usr/bin/env python3
"""The benchmark against hls4ml 1.3.0 (run it with `bash bench/run.sh`, which prepares the Python).

For each model it times, each step in its own process (peak memory: `ru_maxrss` of `wait4`):
- hls4ml: convert + write + compile (`keras_v2_to_hls` on the Keras 2 JSON + H5, `write()`, and the
  build and load of the C simulation's library that `compile()` does), and `predict` (that C
  simulation through ctypes, one sample at a time, as hls4ml runs it);
- ours (`hls4ml-bench`, bench/rust): TOML -> project -> compiled C simulation, the C simulation, and
  the Rust emulator on all cores;
then checks that every output agrees and prints the tables. Both sides use `ap_fixed<16,6>` for every
type (weights, biases, results, accumulators), io_parallel, the latency strategy, reuse factor 1, on
the PYNQ-Z2 with a float bus; the output softmax of the reference models is skipped (hls4ml's `Skip`),
which makes the two bit-identical (`--softmax` keeps it and compares argmaxes instead).

The models: KERAS_3layer and KERAS_conv2d_model from ../shared/models (when present), a series of
dense networks and a 1-D convolutional network generated with seeded random weights as Keras 2
JSON + H5 files. The inputs are distinct standard-normal samples. Also measured: rebuilds of a crate
that uses `hls4ml::accelerator!` and `hls4ml::build` against the same crate without them.
"""

import argparse
import ctypes
import hashlib
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
PRECISION = "ap_fixed<16,6>"
BOARD = "pynq-z2"
PART = "xc7z020clg400-1"


# ----------------------------------------------------------------------------------------------
# Models: Keras 2 JSON architecture + H5 weights, the layout both importers read
# ----------------------------------------------------------------------------------------------


def keras_layer(class_name, config, inbound):
    """One layer of a functional Keras 2 model."""
    return {
        "class_name": class_name,
        "config": config,
        "inbound_nodes": [[[inbound, 0, 0, {}]]] if inbound else [],
        "name": config["name"],
    }


def write_keras(folder, name, input_shape, layers, weights):
    """Writes `<name>.json` and `<name>_weights.h5` into `folder`.

    `layers` is a list of (class_name, config) applied in sequence after the input; `weights` maps a
    layer name to its (kernel, bias) float32 arrays in Keras layout.
    """
    import h5py

    folder.mkdir(parents=True, exist_ok=True)
    previous = "input_1"
    arch_layers = [
        keras_layer(
            "InputLayer",
            {"batch_input_shape": [None, *input_shape], "dtype": "float32", "name": "input_1", "sparse": False},
            None,
        )
    ]
    for class_name, config in layers:
        arch_layers.append(keras_layer(class_name, config, previous))
        previous = config["name"]
    arch = {
        "backend": "tensorflow",
        "class_name": "Model",
        "config": {
            "name": name,
            "layers": arch_layers,
            "input_layers": [["input_1", 0, 0]],
            "output_layers": [[previous, 0, 0]],
        },
        "keras_version": "2.0.0",
    }
    json_path = folder / f"{name}.json"
    json_path.write_text(json.dumps(arch, indent=1))
    h5_path = folder / f"{name}_weights.h5"
    names = [layer["name"] for layer in arch_layers]
    with h5py.File(h5_path, "w") as h5:
        h5.attrs["backend"] = b"tensorflow"
        h5.attrs["keras_version"] = b"2.0.0"
        h5.attrs["layer_names"] = np.array([n.encode() for n in names])
        for n in names:
            group = h5.create_group(n)
            if n not in weights:
                group.attrs["weight_names"] = np.array([], dtype=np.float64)
                continue
            kernel, bias = weights[n]
            group.attrs["weight_names"] = np.array([f"{n}/kernel:0".encode(), f"{n}/bias:0".encode()])
            inner = group.create_group(n)
            inner.create_dataset("kernel:0", data=kernel.astype(np.float32))
            inner.create_dataset("bias:0", data=bias.astype(np.float32))
    return json_path, h5_path


def glorot(rng, fan_in, fan_out, shape):
    """Keras's default kernel initializer: uniform in ±sqrt(6 / (fan_in + fan_out))."""
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype(np.float32)


def dense_config(name, units, activation):
    return {"name": name, "units": units, "activation": activation, "use_bias": True, "trainable": True}


def make_dense(folder, width, depth, seed):
    """A `width`-wide MLP: `width` inputs, `depth - 1` Dense layers of `width` units with ReLU and a
    linear Dense of 5 outputs."""
    rng = np.random.default_rng(seed)
    name = f"dense_w{width}_d{depth}"
    layers, weights = [], {}
    n_in = width
    for i in range(depth):
        last = i == depth - 1
        units = 5 if last else width
        lname = "out" if last else f"fc{i + 1}"
        layers.append(("Dense", dense_config(lname, units, "linear" if last else "relu")))
        weights[lname] = (glorot(rng, n_in, units, (n_in, units)), rng.uniform(-0.1, 0.1, units))
        n_in = units
    return name, (width,), write_keras(folder, name, (width,), layers, weights)


def make_conv1d(folder, seed, steps=100, channels=7, filters=(32, 16, 8), kernel=3):
    """Input `steps` × `channels`, Conv1D layers of `filters` (kernel `kernel`, valid padding, ReLU),
    Flatten, Dense 32 ReLU, Dense 5 linear."""
    rng = np.random.default_rng(seed)
    name = f"conv1d_{steps}x{channels}"
    layers, weights = [], {}
    c_in, length = channels, steps
    for i, f in enumerate(filters):
        lname = f"conv{i + 1}"
        layers.append(
            (
                "Conv1D",
                {
                    "name": lname,
                    "filters": f,
                    "kernel_size": [kernel],
                    "strides": [1],
                    "padding": "valid",
                    "data_format": "channels_last",
                    "dilation_rate": [1],
                    "activation": "relu",
                    "use_bias": True,
                    "trainable": True,
                },
            )
        )
        weights[lname] = (glorot(rng, kernel * c_in, kernel * f, (kernel, c_in, f)), rng.uniform(-0.1, 0.1, f))
        c_in, length = f, length - kernel + 1
    layers.append(("Flatten", {"name": "flatten", "data_format": "channels_last", "trainable": True}))
    n_in = c_in * length
    for lname, units, act in [("fc1", 32, "relu"), ("out", 5, "linear")]:
        layers.append(("Dense", dense_config(lname, units, act)))
        weights[lname] = (glorot(rng, n_in, units, (n_in, units)), rng.uniform(-0.1, 0.1, units))
        n_in = units
    return name, (steps, channels), write_keras(folder, name, (steps, channels), layers, weights)


# ----------------------------------------------------------------------------------------------
# Processes, timed and measured
# ----------------------------------------------------------------------------------------------


class StepFailed(Exception):
    pass


def measure(launcher, cmd, log, cwd=None):
    """Runs `cmd` as its own process; returns (stdout text, wall seconds, peak resident MiB).

    The peak is `ru_maxrss` from `wait4`, which on Linux also covers the children the process waited
    for (the C++ compiler of a compile step). The command is started by `hls4ml-bench measure`, a
    small process: a child of this Python would inherit Python's own high-water mark at `exec`
    (the kernel keeps the larger of the two), and every step would read at least as large as it."""
    result = Path(str(log) + ".rusage.json")
    with open(log, "w") as out, open(str(log) + ".stderr", "w") as err:
        code = subprocess.run(
            [str(launcher), "measure", str(result), "--", *map(str, cmd)], stdout=out, stderr=err, cwd=cwd
        ).returncode
    text = Path(log).read_text()
    if code != 0:
        tail = Path(str(log) + ".stderr").read_text()[-3000:] or text[-3000:]
        raise StepFailed(f"{' '.join(map(str, cmd[:3]))} … failed ({code}):\n{tail}")
    usage = json.loads(result.read_text())
    return text, usage["wall_s"], usage["peak_kib"] / 1024.0


def last_json(text):
    """The last line of `text` that is a JSON object."""
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    raise StepFailed(f"no JSON result in:\n{text[-2000:]}")


# ----------------------------------------------------------------------------------------------
# The hls4ml side (run in the venv's Python, one process per step)
# ----------------------------------------------------------------------------------------------


def hls4ml_config(json_path, h5_path, out_dir, skip_layer):
    """The keras_to_hls configuration of the reference outputs (hls4ml_config_full.json), with the
    output softmax skipped when `skip_layer` is given."""
    layer_names = {skip_layer: {"Skip": True}} if skip_layer else {}
    return {
        "KerasJson": str(json_path),
        "KerasH5": str(h5_path),
        "OutputDir": str(out_dir),
        "ProjectName": "myproject",
        "Backend": "VivadoAccelerator",
        "Part": PART,
        "ClockPeriod": 10,
        "IOType": "io_parallel",
        "AcceleratorConfig": {
            "Board": BOARD,
            "Interface": "axi_stream",
            "Driver": "python",
            "Precision": {"Input": "float", "Output": "float"},
        },
        "HLSConfig": {
            "Model": {"Precision": PRECISION, "ReuseFactor": 1, "Strategy": "Latency"},
            "LayerName": layer_names,
        },
    }


def hls4ml_convert_step(config_path, result_path):
    """hls4ml's convert + write + compile, timed in this process."""
    start = time.perf_counter()
    from hls4ml.converters import keras_v2_to_hls

    import_s = time.perf_counter() - start
    config = json.loads(Path(config_path).read_text())
    start = time.perf_counter()
    model = keras_v2_to_hls(config)
    convert_s = time.perf_counter() - start
    start = time.perf_counter()
    model.write()
    write_s = time.perf_counter() - start
    start = time.perf_counter()
    # What compile() does after its own write(): build the shared library of the C simulation and
    # load it (calling compile() would write the project a second time).
    model._compile()
    compile_s = time.perf_counter() - start
    result = {
        "import_s": import_s,
        "convert_s": convert_s,
        "write_s": write_s,
        "compile_s": compile_s,
        "total_s": convert_s + write_s + compile_s,
    }
    Path(result_path).write_text(json.dumps(result))


def hls4ml_predict_step(project_dir, x_path, n_in, y_path, result_path, budget, at_least):
    """hls4ml's `predict` over the first samples of `x_path`, as many as fit in `budget` seconds
    (at least `at_least`, at most all): its own predict on the library `compile()` built."""
    import yaml
    from hls4ml.converters import link_existing_project

    project_dir = Path(project_dir)
    config = yaml.safe_load((project_dir / "hls4ml_config.yml").read_text())
    lib = project_dir / "firmware" / f"{config['ProjectName']}-{config['Stamp']}.so"
    model = link_existing_project(str(project_dir))
    # What compile() does once the library is built: load it (building it again would only repeat
    # the compile step timed separately).
    model._top_function_lib = ctypes.cdll.LoadLibrary(str(lib))
    # Mapped, not read: only the samples predicted are touched.
    x = np.memmap(x_path, dtype=np.float32, mode="r").reshape(-1, n_in)
    total = x.shape[0]
    done, seconds, outputs = 0, 0.0, []
    chunk = 16
    while done < total:
        part = np.ascontiguousarray(x[done : done + chunk])
        start = time.perf_counter()
        y = model.predict(part)
        seconds += time.perf_counter() - start
        outputs.append(np.asarray(y, dtype=np.float32).reshape(part.shape[0], -1))
        done += part.shape[0]
        if seconds >= budget and done >= at_least:
            break
        rate = done / max(seconds, 1e-9)
        left = max(budget - seconds, 0.0)
        chunk = int(max(1, min(rate * min(left, 5.0), 10000)))
        if done < at_least:
            chunk = max(chunk, min(at_least - done, 10000))
    y = np.concatenate(outputs)
    y.tofile(y_path)
    Path(result_path).write_text(json.dumps({"samples": done, "seconds": seconds, "samples_per_s": done / seconds}))


# ----------------------------------------------------------------------------------------------
# The benchmark
# ----------------------------------------------------------------------------------------------


def fmt_rate(v):
    if v is None:
        return "—"
    if v >= 1e6:
        return f"{v / 1e6:.2f} M"
    if v >= 1e3:
        return f"{v / 1e3:.1f} k"
    return f"{v:.1f}"


def fmt_s(v):
    if v is None:
        return "—"
    return f"{v:.3f}" if v < 10 else f"{v:.1f}"


def fmt_macs(v):
    if v is None:
        return "—"
    for unit, scale in (("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if v >= scale:
            return f"{v / scale:.2f} {unit}"
    return f"{v:.0f}"


def table(header, rows):
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"
    out = [line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(r) for r in rows]
    return "\n".join(out)


class Bench:
    def __init__(self, args):
        self.args = args
        self.work = Path(args.work)
        self.bin = Path(args.bin)
        self.python = sys.executable
        self.results = []
        self.log = open(self.work / "bench.log", "a")

    def say(self, msg):
        print(msg, flush=True)
        self.log.write(msg + "\n")
        self.log.flush()

    def ours(self, *cmd, log):
        text, wall, peak = measure(self.bin, [self.bin, *cmd], log)
        result = last_json(text)
        result["wall_s"], result["peak_mib"] = wall, peak
        return result

    def models(self):
        """(name, input shape, json, h5, note) of every model of this run, in order."""
        out = []
        shared = Path(self.args.shared)
        for name in ("KERAS_3layer", "KERAS_conv2d_model"):
            folder = shared / name
            if not (folder / f"{name}.json").is_file():
                self.say(f"SKIPPED: {folder} not found (the shared reference models); {name} is not measured")
                continue
            info = json.loads((folder / "info.json").read_text())
            out.append(
                (name, tuple(info["input_shape"]), folder / f"{name}.json", folder / f"{name}_weights.h5", "reference")
            )
        gen = self.work / "models"
        for w, d in self.args.series:
            name, shape, (j, h) = make_dense(gen, w, d, seed=1000 * d + w)
            out.append((name, shape, j, h, "random weights"))
        name, shape, (j, h) = make_conv1d(gen, seed=2000)
        out.append((name, shape, j, h, "random weights"))
        only = self.args.only
        return [m for m in out if not only or any(o.lower() in m[0].lower() for o in only)]

    def inputs(self, name, shape, n, seed):
        """`n` distinct standard-normal samples as raw float32 (samples back to back)."""
        path = self.work / "data" / f"{name}-x-{n}.f32"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            rng = np.random.default_rng(seed)
            x = rng.standard_normal((n, *shape), dtype=np.float32)
            rows = x.reshape(n, -1)
            distinct = {hashlib.blake2b(r.tobytes(), digest_size=16).digest() for r in rows}
            if len(distinct) != n:
                raise StepFailed(f"{name}: {n - len(distinct)} repeated input samples")
            x.tofile(path)
        return path

    def run_model(self, name, shape, json_path, h5_path, note):
        a = self.args
        model_dir = self.work / name
        model_dir.mkdir(parents=True, exist_ok=True)
        ident = name.lower()
        base = (
            f"[model]\nname = \"{ident}\"\nkeras = '{json_path}'\nweights = '{h5_path}'\n"
            f'[board]\nname = "{BOARD}"\n[hls]\nprecision = "{PRECISION}"\nio_type = "io_parallel"\n'
            f'strategy = "latency"\nreuse_factor = 1\n'
        )
        toml = model_dir / f"{ident}.toml"
        toml.write_text(base)
        info = self.ours("info", toml, log=model_dir / "info.log")
        skip = None
        if info["output_kind"] == "Softmax" and not a.softmax:
            skip = info["output_layer"]
            toml.write_text(base + f"[layers.{skip}]\nskip = true\n")
            info = self.ours("info", toml, log=model_dir / "info.log")
        n_in, n_out = info["inputs_per_sample"], info["outputs_per_sample"]
        macs = info["macs_per_sample"]
        r = {
            "model": name,
            "note": note,
            "weights": info["weights"],
            "macs_per_sample": macs,
            "input_shape": info["input_shape"],
            "softmax_skipped": skip,
        }
        self.say(
            f"\n== {name}: input {tuple(info['input_shape'])}, {info['weights']:,} weights, "
            f"{macs:,} MACs/sample{f', output softmax `{skip}` skipped' if skip else ''}"
        )
        x = self.inputs(
            name, shape, a.samples, seed=int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "little")
        )

        # ours: TOML -> project -> compiled C simulation
        prj = model_dir / "ours_prj"
        if prj.exists():
            shutil.rmtree(prj)
        c = self.ours("convert", toml, prj, log=model_dir / "ours_convert.log")
        r["ours_convert"] = c
        self.say(
            f"ours  convert+compile {c['total_s']:.2f} s (load {c['load_s']:.3f}, generate {c['generate_s']:.3f}, "
            f"write {c['write_s']:.3f}, compile {c['compile_s']:.2f}); peak {c['peak_mib']:.0f} MiB; {c['headers']}"
        )
        # ours: C simulation on a time budget (whole samples), then the emulator on every sample
        csim_x = x
        if a.csim_budget > 0:
            probe_n = min(a.samples, 200)
            probe = model_dir / "probe.f32"
            np.fromfile(x, dtype=np.float32, count=probe_n * n_in).tofile(probe)
            p = self.ours("csim", toml, prj, probe, model_dir / "probe_y.f32", log=model_dir / "ours_csim_probe.log")
            n = int(min(a.samples, max(probe_n, p["samples_per_s"] * a.csim_budget)))
            if n < a.samples:
                csim_x = model_dir / f"x-{n}.f32"
                np.fromfile(x, dtype=np.float32, count=n * n_in).tofile(csim_x)
        y_csim = model_dir / "ours_csim_y.f32"
        s = self.ours("csim", toml, prj, csim_x, y_csim, log=model_dir / "ours_csim.log")
        r["ours_csim"] = s
        self.say(
            f"ours  C simulation {s['samples']:,} samples in {s['seconds']:.2f} s = "
            f"{fmt_rate(s['samples_per_s'])}/s; peak {s['peak_mib']:.0f} MiB"
        )
        y_emu = model_dir / "ours_emu_y.f32"
        e = self.ours("emulate", toml, x, y_emu, "--repeat", a.repeat, log=model_dir / "ours_emulate.log")
        r["ours_emulator"] = e
        self.say(
            f"ours  emulator {e['samples']:,} samples in {e['seconds']:.3f} s = {fmt_rate(e['samples_per_s'])}/s "
            f"({e['threads']} threads, median of {e['repeat']}); peak {e['peak_mib']:.0f} MiB"
        )
        ye = np.fromfile(y_emu, dtype=np.float32).reshape(-1, n_out)
        yc = np.fromfile(y_csim, dtype=np.float32).reshape(-1, n_out)
        r["csim_vs_emulator"] = {
            "samples": len(yc),
            "differing": int((yc.view(np.uint32) != ye[: len(yc)].view(np.uint32)).sum()),
        }
        if r["csim_vs_emulator"]["differing"]:
            self.say(f"MISMATCH: our C simulation and emulator differ in {r['csim_vs_emulator']['differing']} outputs")

        if a.skip_hls4ml:
            self.say("hls4ml: not run (--skip-hls4ml)")
            r["hls4ml_skipped"] = "--skip-hls4ml"
            return r
        # hls4ml: convert + write + compile, then predict on the budget
        hprj = model_dir / "hls4ml_prj"
        if hprj.exists():
            shutil.rmtree(hprj)
        cfg = model_dir / "hls4ml_config.json"
        cfg.write_text(json.dumps(hls4ml_config(json_path, h5_path, hprj, skip), indent=1))
        res = model_dir / "hls4ml_convert.json"
        _, wall, peak = measure(
            self.bin,
            [self.python, __file__, "_hls4ml-convert", cfg, res],
            model_dir / "hls4ml_convert.log",
            cwd=model_dir,
        )
        hc = json.loads(res.read_text())
        hc["wall_s"], hc["peak_mib"] = wall, peak
        r["hls4ml_convert"] = hc
        self.say(
            f"hls4ml convert+write+compile {hc['total_s']:.2f} s (convert {hc['convert_s']:.2f}, "
            f"write {hc['write_s']:.2f}, "
            f"compile {hc['compile_s']:.2f}; import {hc['import_s']:.2f} not counted); peak {peak:.0f} MiB"
        )
        res = model_dir / "hls4ml_predict.json"
        y_h = model_dir / "hls4ml_y.f32"
        _, wall, peak = measure(
            self.bin,
            [
                self.python,
                __file__,
                "_hls4ml-predict",
                hprj,
                x,
                n_in,
                y_h,
                res,
                a.hls4ml_budget,
                min(a.hls4ml_at_least, a.samples),
            ],
            model_dir / "hls4ml_predict.log",
            cwd=model_dir,
        )
        hp = json.loads(res.read_text())
        hp["wall_s"], hp["peak_mib"] = wall, peak
        r["hls4ml_predict"] = hp
        subset = "" if hp["samples"] == a.samples else " (a subset: the time budget)"
        self.say(
            f"hls4ml predict {hp['samples']:,} samples{subset} in {hp['seconds']:.2f} s = "
            f"{fmt_rate(hp['samples_per_s'])}/s; "
            f"peak {peak:.0f} MiB"
        )
        yh = np.fromfile(y_h, dtype=np.float32).reshape(-1, n_out)
        k = len(yh)
        if skip or not a.softmax or info["output_kind"] != "Softmax":
            diff = int((yh.view(np.uint32) != ye[:k].view(np.uint32)).sum())
            r["hls4ml_vs_ours"] = {"samples": k, "outputs": int(yh.size), "differing": diff, "bit_exact": diff == 0}
            self.say(
                f"hls4ml vs ours: {diff} of {yh.size:,} outputs differ on {k:,} samples"
                + ("" if diff else " (bit-exact)")
            )
        else:
            agree = int((yh.argmax(1) == ye[:k].argmax(1)).sum())
            r["hls4ml_vs_ours"] = {
                "samples": k,
                "argmax_agree": agree,
                "max_abs_diff": float(np.abs(yh - ye[:k]).max()),
                "bit_exact": False,
            }
            self.say(f"hls4ml vs ours (softmax kept): argmax agrees on {agree:,} of {k:,} samples")
        return r

    # ------------------------------------------------------------------------------------------
    def rebuild(self):
        """Rebuild times of a crate using `hls4ml::accelerator!` + `hls4ml::build` against the same
        crate without them: nothing changed, the TOML touched, a comment appended to the TOML."""
        a = self.args
        root = self.work / "rebuild"
        if root.exists():
            shutil.rmtree(root)
        model = REPO / "models" / "jet_tagger"
        crates = {}
        for with_macro in (True, False):
            name = "with_macro" if with_macro else "without_macro"
            crate = root / name
            (crate / "src").mkdir(parents=True)
            shutil.copy(model / "jet_tagger.toml", crate / "jet_tagger.toml")
            shutil.copy(model / "jet_tagger.keras", crate / "jet_tagger.keras")
            shutil.copy(REPO / "Cargo.lock", crate / "Cargo.lock")
            manifest = (
                f'[package]\nname = "{name.replace("_", "-")}"\nversion = "0.1.0"\nedition = "2021"\n'
                f"publish = false\n\n[dependencies]\nhls4ml = {{ path = '{REPO}' }}\n"
            )
            body = (
                "fn main() {\n"
                "    let x: jet_tagger::Input = [0.5; 16];\n"
                "    let y: jet_tagger::Output = [0.0; 5];\n"
                '    println!("{} inputs, {} outputs", x.len(), y.len());\n'
                "}\n"
            )
            if with_macro:
                manifest += f"\n[build-dependencies]\nhls4ml = {{ path = '{REPO}', features = [\"build\"] }}\n"
                (crate / "build.rs").write_text(
                    "fn main() {\n"
                    '    if let Err(e) = hls4ml::build::project("jet_tagger.toml").emit() {\n'
                    '        panic!("{}", e.render());\n'
                    "    }\n"
                    "}\n"
                )
                main = 'hls4ml::accelerator!("jet_tagger.toml");\n\n' + body
            else:
                main = (
                    "mod jet_tagger {\n    pub type Input = [f32; 16];\n    pub type Output = [f32; 5];\n}\n\n" + body
                )
            (crate / "Cargo.toml").write_text(manifest + "\n[workspace]\n")
            (crate / "src" / "main.rs").write_text(main)
            crates[name] = crate
        env = dict(os.environ)
        env["CARGO_TARGET_DIR"] = str(root / "target")
        env.pop("RUSTFLAGS", None)

        build_dir = root / "target" / "debug" / "build"

        def script_runs():
            """mtime of every build script's recorded output (rewritten each time the script runs)."""
            return {o.parent.name: o.stat().st_mtime_ns for o in build_dir.glob("*/output")}

        def build(crate, log):
            """Seconds of one `cargo build`, and what it rebuilt (compiled crates, build scripts run)."""
            before = script_runs()
            start = time.perf_counter()
            p = subprocess.run(
                ["cargo", "build", "--message-format=json-render-diagnostics"],
                cwd=crate,
                env=env,
                capture_output=True,
                text=True,
            )
            secs = time.perf_counter() - start
            with open(log, "a") as f:
                f.write(p.stderr)
            if p.returncode != 0:
                raise StepFailed(f"cargo build in {crate} failed:\n{p.stderr[-3000:]}")
            did = []
            for line in p.stdout.splitlines():
                try:
                    m = json.loads(line)
                except ValueError:
                    continue
                if m.get("reason") == "compiler-artifact" and not m.get("fresh", True):
                    t = m["target"]
                    kind = "build script compiled" if "custom-build" in t["kind"] else t["kind"][0]
                    did.append(f"{t['name']} ({kind})")
            for unit, mtime in script_runs().items():
                if before.get(unit) != mtime:
                    did.append(f"{unit.rsplit('-', 1)[0]} (build script run)")
            return secs, did

        def median_of(step):
            runs = [step() for _ in range(a.rebuild_runs)]
            secs = statistics.median(r[0] for r in runs)
            return secs, runs[-1][1]

        out = {}
        for name, crate in crates.items():
            log = root / f"{name}.log"
            first, _ = build(crate, log)
            self.say(f"rebuild: {name}: first build {first:.1f} s")
            toml = crate / "jet_tagger.toml"
            times = {"first": (first, [])}
            times["no change"] = median_of(lambda: build(crate, log))

            def touched():
                os.utime(toml)
                return build(crate, log)

            times["TOML touched"] = median_of(touched)
            count = [0]

            def commented():
                count[0] += 1
                with open(toml, "a") as f:
                    f.write(f"# a comment, {count[0]}\n")
                return build(crate, log)

            times["comment appended to the TOML"] = median_of(commented)
            out[name] = times
            self.say(
                f"rebuild: {name}: "
                + "; ".join(
                    f"{k} {v[0]:.2f} s ({', '.join(v[1]) or 'nothing rebuilt'})"
                    for k, v in times.items()
                    if k != "first"
                )
            )
        return out

    # ------------------------------------------------------------------------------------------
    def report(self, rebuild):
        a = self.args
        rows = []
        for r in self.results:
            macs = r["macs_per_sample"]
            hp = r.get("hls4ml_predict")
            ref = hp["samples_per_s"] if hp else None

            def row(engine, step, agree):
                if step is None:
                    return
                rate = step["samples_per_s"]
                rows.append(
                    [
                        r["model"],
                        engine,
                        f"{step['samples']:,}",
                        fmt_s(step["seconds"]),
                        fmt_rate(rate),
                        "1" if engine.startswith("hls4ml") else (f"{rate / ref:,.1f}×" if ref else "—"),
                        fmt_macs(rate * macs) + "MAC/s",
                        f"{step['peak_mib']:.0f}",
                        agree,
                    ]
                )

            hv = r.get("hls4ml_vs_ours")
            if hv and "differing" in hv:
                agree_h = "= ours, bit-exact" if hv["bit_exact"] else f"{hv['differing']} outputs differ from ours"
            elif hv:
                agree_h = f"argmax = ours on {hv['argmax_agree']:,} of {hv['samples']:,}"
            if hp and hp["samples"] < a.samples:
                agree_h += f"; first {hp['samples']:,} samples ({a.hls4ml_budget:g} s budget)"
            cv, cs = r["csim_vs_emulator"], r["ours_csim"]
            agree_c = (
                "= emulator, bit-exact"
                if cv["differing"] == 0
                else f"{cv['differing']} outputs differ from the emulator"
            )
            if cs["samples"] < a.samples:
                agree_c += f"; first {cs['samples']:,} samples ({a.csim_budget:g} s budget)"
            if hp:
                row("hls4ml predict", hp, agree_h)
            else:
                rows.append(
                    [
                        r["model"],
                        "hls4ml predict",
                        "—",
                        "—",
                        "—",
                        "—",
                        "—",
                        "—",
                        "not run: " + r.get("hls4ml_skipped", ""),
                    ]
                )
            row("our C simulation", cs, agree_c)
            e = r["ours_emulator"]
            row(f"our emulator, {e['threads']} threads", e, "every sample")
        head = ["model", "engine", "samples", "s", "samples/s", "× hls4ml", "MAC/s", "peak MiB", "agreement"]
        if rows:
            print("\n### Inference\n")
            print(table(head, rows))

        rows = []
        for r in self.results:
            c, h = r["ours_convert"], r.get("hls4ml_convert")
            rows.append(
                [
                    r["model"],
                    f"{r['weights']:,}",
                    f"{r['macs_per_sample']:,}",
                    fmt_s(h["total_s"]) if h else "—",
                    f"{h['peak_mib']:.0f}" if h else "—",
                    fmt_s(c["total_s"]),
                    f"{c['peak_mib']:.0f}",
                    f"{h['total_s'] / c['total_s']:.1f}×" if h else "—",
                ]
            )
        head = [
            "model",
            "weights",
            "MACs/sample",
            "hls4ml convert+write+compile s",
            "peak MiB",
            "ours TOML→project→compiled csim s",
            "peak MiB",
            "ours faster",
        ]
        if rows:
            print("\n### Convert + compile\n")
            print(table(head, rows))

        series = [r for r in self.results if r["model"].startswith("dense_")]
        slope = {}
        if len(series) >= 2:
            w = np.log([r["weights"] for r in series])
            for side, key in (("ours", "ours_convert"), ("hls4ml", "hls4ml_convert")):
                if all(key in r for r in series):
                    t = np.log([r[key]["total_s"] for r in series])
                    slope[side] = float(np.polyfit(w, t, 1)[0])
            print(
                "\nDense series, convert + compile time against the number of weights (log-log slope; 1 = linear): "
                + ", ".join(f"{k} {v:.2f}" for k, v in slope.items())
            )

        if rebuild:
            print("\n### Rebuilds of a crate using `hls4ml::accelerator!` + `hls4ml::build` (cargo build, debug)\n")
            w, wo = rebuild["with_macro"], rebuild["without_macro"]
            rows = [
                [k, f"{w[k][0]:.2f}", f"{wo[k][0]:.2f}", f"{w[k][0] - wo[k][0]:+.2f}", ", ".join(w[k][1]) or "nothing"]
                for k in ("no change", "TOML touched", "comment appended to the TOML")
            ]
            print(
                table(["rebuild", "with the macro s", "without s", "difference s", "rebuilt with the macro"], rows)
                + f"\n(median of {a.rebuild_runs}; first builds {w['first'][0]:.0f} s and {wo['first'][0]:.0f} s)"
            )

        by = {r["model"]: r for r in self.results}
        lines = []

        def target(text, ok, value):
            status = "—" if ok is None else ("met" if ok else "NOT met")
            lines.append([text, value, status])

        for name, want in (("KERAS_3layer", 100), ("KERAS_conv2d_model", 50)):
            r = by.get(name)
            if r and r.get("hls4ml_predict"):
                ratio = r["ours_emulator"]["samples_per_s"] / r["hls4ml_predict"]["samples_per_s"]
                extra = ""
                ok = ratio >= want
                if name == "KERAS_3layer":
                    rate = r["ours_emulator"]["samples_per_s"]
                    ok = ok and rate >= 1e6
                    extra = f", {fmt_rate(rate)}/s"
                target(
                    f"emulator ≥ {want}× hls4ml predict on {name}" + (" and ≥ 1 M/s" if extra else ""),
                    ok,
                    f"{ratio:,.0f}×{extra}",
                )
            elif self.results:
                target(f"emulator ≥ {want}× hls4ml predict on {name}", None, "not measured")
        both = [r for r in self.results if "hls4ml_convert" in r]
        if both:
            worst = min(both, key=lambda r: r["hls4ml_convert"]["total_s"] / r["ours_convert"]["total_s"])
            ratio = worst["hls4ml_convert"]["total_s"] / worst["ours_convert"]["total_s"]
            target(
                "TOML → compiled C simulation ≥ 5× faster than hls4ml's convert+write+compile (every model)",
                ratio >= 5,
                f"worst {ratio:.1f}× ({worst['model']})",
            )
        if "ours" in slope:
            target(
                "… and no worse than linear in the number of weights (dense series)",
                slope["ours"] <= 1.05,
                f"slope {slope['ours']:.2f}",
            )
        conv = next((r for r in self.results if r["model"].startswith("conv1d_")), None)
        if conv:
            t = conv["ours_convert"]["total_s"]
            rate = conv["ours_emulator"]["samples_per_s"]
            target("100×7 Conv1D converts + compiles in < 30 s", t < 30, f"{t:.1f} s")
            target("100×7 Conv1D emulates ≥ 10,000 samples/s", rate >= 1e4, f"{fmt_rate(rate)}/s")
        if rebuild:
            w, wo = rebuild["with_macro"], rebuild["without_macro"]
            d = w["no change"][0] - wo["no change"][0]
            target("no-change rebuild ≤ 0.3 s more than without the macro", d <= 0.3, f"{d:+.2f} s")
            d = w["TOML touched"][0] - wo["TOML touched"][0]
            target("rebuild after touching the TOML ≤ 1 s more", d <= 1.0, f"{d:+.2f} s")
        if lines:
            print("\n### Targets\n")
            print(table(["target", "measured", ""], lines))


def parse_series(text):
    out = []
    for item in text.split(","):
        w, d = item.lower().split("x")
        out.append((int(w), int(d)))
    return out


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "_hls4ml-convert":
        return hls4ml_convert_step(*sys.argv[2:4])
    if len(sys.argv) > 1 and sys.argv[1] == "_hls4ml-predict":
        d, x, n_in, y, res, budget, at_least = sys.argv[2:9]
        return hls4ml_predict_step(d, x, int(n_in), y, res, float(budget), int(at_least))

    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--bin", required=True, help="the hls4ml-bench binary (bench/rust)")
    p.add_argument("--quick", action="store_true", help="fewer models, samples and seconds per step")
    p.add_argument("--samples", type=int, help="inputs per model (default 100000, --quick 10000)")
    p.add_argument(
        "--series", type=parse_series, help="dense series as WIDTHxDEPTH,… (default 32x3,64x4,128x4,256x5,512x6)"
    )
    p.add_argument("--only", type=lambda s: s.split(","), help="only the models whose name contains one of these")
    p.add_argument("--shared", default=str(REPO.parent / "shared" / "models"), help="the reference models folder")
    p.add_argument("--work", help="working folder (default: a new temporary folder, removed unless --keep)")
    p.add_argument("--keep", action="store_true", help="keep the working folder")
    p.add_argument("--skip-hls4ml", action="store_true", help="measure our side only")
    p.add_argument("--skip-rebuild", action="store_true", help="do not measure the crate rebuilds")
    p.add_argument("--rebuild-only", action="store_true", help="measure the crate rebuilds only")
    p.add_argument("--rebuild-runs", type=int, default=3, help="builds per rebuild case, the median reported")
    p.add_argument("--softmax", action="store_true", help="keep the output softmax (compare argmaxes, not bits)")
    p.add_argument("--hls4ml-budget", type=float, help="seconds of hls4ml predict per model (default 30, --quick 5)")
    p.add_argument("--hls4ml-at-least", type=int, default=200, help="samples hls4ml predicts at least (default 200)")
    p.add_argument(
        "--csim-budget",
        type=float,
        help="about how many seconds our C simulation runs per model: fewer samples when all would take longer "
        "(default 120, --quick 10; 0: every sample)",
    )
    p.add_argument("--repeat", type=int, default=3, help="runs of the emulator per model, the median reported")
    p.add_argument("--json", help="also write every measurement to this file")
    a = p.parse_args()
    a.samples = a.samples or (10_000 if a.quick else 100_000)
    a.series = a.series or (
        [(32, 3), (128, 4), (512, 6)] if a.quick else [(32, 3), (64, 4), (128, 4), (256, 5), (512, 6)]
    )
    a.hls4ml_budget = a.hls4ml_budget or (5.0 if a.quick else 30.0)
    if a.csim_budget is None:
        a.csim_budget = 10.0 if a.quick else 120.0
    temporary = not a.work
    a.work = a.work or tempfile.mkdtemp(prefix="hls4ml-bench-")
    Path(a.work).mkdir(parents=True, exist_ok=True)
    bench = Bench(a)
    import hls4ml  # noqa: F401  (fails early when the environment is not ready)

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    bench.say(
        f"hls4ml-rs benchmark against hls4ml {hls4ml.__version__}: {os.cpu_count()} cores ({cpu}), "
        f"load average {os.getloadavg()[0]:.2f} at start; {a.samples:,} inputs per model; work folder {a.work}"
    )
    failures = []
    if not a.rebuild_only:
        for m in bench.models():
            try:
                bench.results.append(bench.run_model(*m))
            except StepFailed as e:
                failures.append(f"{m[0]}: {e}")
                bench.say(f"FAILED: {m[0]}: {e}")
    rebuild = None
    if not a.skip_rebuild:
        try:
            rebuild = bench.rebuild()
        except StepFailed as e:
            failures.append(f"rebuild: {e}")
            bench.say(f"FAILED: rebuild: {e}")
    bench.say(f"\nload average {os.getloadavg()[0]:.2f} at the end")
    bench.report(rebuild)
    if a.json:
        Path(a.json).write_text(json.dumps({"models": bench.results, "rebuild": rebuild}, indent=1))
    mismatches = [
        r["model"]
        for r in bench.results
        if r["csim_vs_emulator"]["differing"] or not r.get("hls4ml_vs_ours", {"bit_exact": True}).get("bit_exact", True)
    ]
    if mismatches and not a.softmax:
        failures.append(f"outputs differ on {', '.join(mismatches)}")
    if temporary and not a.keep:
        shutil.rmtree(a.work, ignore_errors=True)
    if failures:
        print("\nFAILED:\n" + "\n".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
