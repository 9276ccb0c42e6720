// The reference side of the differential test of hls4ml-runtime's fixed-point arithmetic.
//
// Compiled against Xilinx's ap_types headers (never part of this repository) by
// runtime/tests/fixed_vs_xilinx.rs. Two modes:
//
//   oracle types        prints the type table: the types this program was compiled with and which
//                       combinations of them each operation supports
//   oracle CASES_FILE   evaluates each case line of CASES_FILE and prints one result line per case
//
// Case lines. Numbers index the lists that `oracle types` prints; RAW is the W bits of a value, in
// hexadecimal; each case prints one line.
//   Q t DOUBLE_BITS       T y = (double)x;        T = type t                 -> bits of y
//   F j FLOAT_BITS        T y = (float)x;         T = type of `float j`      -> bits of y
//   D j RAW               x.to_double()           x of the type of `shape j` -> bits of the double
//   E j RAW               x.to_float()            x of the type of `shape j` -> bits of the float
//   C j RAW               T y = x;                target and source of `cast j` -> bits of y
//   M a b RAWA RAWB       x * y                   x, y of `operand a`, `operand b` -> W I S INT bits
//   A a b RAWA RAWB       x + y                                                 -> W I S INT bits
//   S a b RAWA RAWB       x - y                                                 -> W I S INT bits
//   X j RAWACC RAWX RAWW  acc += x * w;           types of `dense j`         -> bits of acc

#include <ap_fixed.h>
#include <ap_int.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <utility>

typedef unsigned __int128 u128;

struct Ty {
  int w, i;
  bool s;
  ap_q_mode q;
  ap_o_mode o;
  int n;
  bool integer;
};

struct Shape {
  int w, i;
  bool s;
};

// Shapes tried with every quantization x overflow mode.
constexpr Shape FULL_SHAPES[] = {
    {1, 1, true},  {1, 1, false},  {8, 3, true},    {8, 0, false},  {8, -3, true},
    {8, 12, false}, {16, 6, true}, {18, 8, true},   {32, 40, true}, {63, -8, true},
    {64, 32, true}, {64, 1, false}, {96, 48, false}, {128, 64, true},
};
constexpr int NFULL = sizeof(FULL_SHAPES) / sizeof(FULL_SHAPES[0]);

// Shapes tried with a set of mode pairs that has each quantization and each overflow mode.
constexpr Shape SOME_SHAPES[] = {
    {1, -2, true},   {1, 3, false},   {2, 1, true},    {3, 7, false},   {8, 8, true},    {8, 1, false},
    {16, 16, false}, {16, -4, false}, {16, 20, true},  {18, 0, true},   {32, 16, true},  {32, 0, false},
    {63, 10, true},  {63, 63, false}, {64, 70, true},  {65, 20, true},  {127, 60, true}, {127, 127, false},
    {8, -1100, true}, {16, 1100, false},
};
constexpr int NSOME = sizeof(SOME_SHAPES) / sizeof(SOME_SHAPES[0]);
constexpr std::pair<ap_q_mode, ap_o_mode> SOME_MODES[] = {
    {AP_TRN, AP_WRAP},         {AP_RND, AP_SAT},   {AP_RND_CONV, AP_SAT_SYM}, {AP_TRN_ZERO, AP_SAT_ZERO},
    {AP_RND_INF, AP_WRAP},     {AP_RND_MIN_INF, AP_SAT}, {AP_RND_ZERO, AP_SAT_SYM},
};
constexpr int NSOMEMODES = sizeof(SOME_MODES) / sizeof(SOME_MODES[0]);

constexpr ap_q_mode QMODES[] = {AP_TRN, AP_TRN_ZERO, AP_RND, AP_RND_ZERO, AP_RND_MIN_INF, AP_RND_INF, AP_RND_CONV};
constexpr ap_o_mode OMODES[] = {AP_WRAP, AP_SAT, AP_SAT_ZERO, AP_SAT_SYM};

// Further types, listed once: AP_WRAP with saturation bits, integers, and extra operand shapes.
constexpr Ty EXTRA[] = {
    {8, 3, true, AP_TRN, AP_WRAP, 1, false},     {8, 3, true, AP_RND, AP_WRAP, 2, false},
    {8, 3, false, AP_TRN, AP_WRAP, 2, false},    {16, 6, true, AP_RND_CONV, AP_WRAP, 3, false},
    {4, 4, true, AP_TRN, AP_WRAP, 4, false},     {1, 1, true, AP_TRN, AP_WRAP, 1, false},
    {8, 8, false, AP_TRN, AP_WRAP, 1, false},    {64, 32, true, AP_RND, AP_WRAP, 5, false},
    {1, 1, true, AP_TRN, AP_WRAP, 0, true},      {1, 1, false, AP_TRN, AP_WRAP, 0, true},
    {8, 8, true, AP_TRN, AP_WRAP, 0, true},      {8, 8, false, AP_TRN, AP_WRAP, 0, true},
    {16, 16, true, AP_TRN, AP_WRAP, 0, true},    {18, 18, true, AP_TRN, AP_WRAP, 0, true},
    {32, 32, true, AP_TRN, AP_WRAP, 0, true},    {32, 32, false, AP_TRN, AP_WRAP, 0, true},
    {63, 63, true, AP_TRN, AP_WRAP, 0, true},    {64, 64, true, AP_TRN, AP_WRAP, 0, true},
    {64, 64, false, AP_TRN, AP_WRAP, 0, true},   {65, 65, true, AP_TRN, AP_WRAP, 0, true},
    {128, 128, true, AP_TRN, AP_WRAP, 0, true},  {24, 7, true, AP_TRN, AP_WRAP, 0, false},
    {54, 10, true, AP_TRN, AP_WRAP, 0, false},   {40, -6, true, AP_TRN, AP_WRAP, 0, false},
    {6, 1, false, AP_TRN, AP_WRAP, 0, false},
};
constexpr int NEXTRA = sizeof(EXTRA) / sizeof(EXTRA[0]);
constexpr int NTYPES = NFULL * 7 * 4 + NSOME * NSOMEMODES + NEXTRA;

struct TyList {
  Ty t[NTYPES];
};

constexpr TyList make_types() {
  TyList l{};
  int k = 0;
  for (int s = 0; s < NFULL; ++s)
    for (int o = 0; o < 4; ++o)
      for (int q = 0; q < 7; ++q)
        l.t[k++] = Ty{FULL_SHAPES[s].w, FULL_SHAPES[s].i, FULL_SHAPES[s].s, QMODES[q], OMODES[o], 0, false};
  for (int s = 0; s < NSOME; ++s)
    for (int m = 0; m < NSOMEMODES; ++m)
      l.t[k++] = Ty{SOME_SHAPES[s].w, SOME_SHAPES[s].i, SOME_SHAPES[s].s, SOME_MODES[m].first, SOME_MODES[m].second,
                    0, false};
  for (int e = 0; e < NEXTRA; ++e) l.t[k++] = EXTRA[e];
  return l;
}
constexpr TyList TYPES = make_types();

// Index of the type with the given description (default modes unless given).
constexpr int find(int w, int i, bool s, bool integer = false, ap_q_mode q = AP_TRN, ap_o_mode o = AP_WRAP) {
  for (int k = 0; k < NTYPES; ++k) {
    const Ty& t = TYPES.t[k];
    if (t.w == w && t.i == i && t.s == s && t.integer == integer && t.q == q && t.o == o && t.n == 0) return k;
  }
  return -1;
}

// Types whose bits are converted to double and float: one per shape.
struct IndexList {
  int k[NTYPES];
  int n;
};
constexpr IndexList make_shapes() {
  IndexList l{};
  for (int k = 0; k < NTYPES; ++k) {
    bool seen = false;
    for (int j = 0; j < l.n; ++j) {
      const Ty &a = TYPES.t[k], &b = TYPES.t[l.k[j]];
      seen |= a.w == b.w && a.i == b.i && a.s == b.s && a.integer == b.integer;
    }
    if (!seen) l.k[l.n++] = k;
  }
  return l;
}
constexpr IndexList SHAPE_TYPES = make_shapes();

// Types assigned from a float (the rest are assigned from doubles only).
constexpr int FLOAT_TYPES[] = {
    find(8, 3, true, false, AP_RND, AP_SAT),  find(16, 6, true, false, AP_RND_CONV, AP_SAT),
    find(18, 8, true),                        find(8, 0, false, false, AP_RND_ZERO, AP_SAT_SYM),
    find(64, 32, true, false, AP_RND_INF, AP_SAT_ZERO), find(1, 1, true, false, AP_TRN_ZERO, AP_SAT),
    find(16, 16, true, true),                 find(128, 64, true, false, AP_RND_MIN_INF, AP_SAT),
};
constexpr int NFLOAT = sizeof(FLOAT_TYPES) / sizeof(FLOAT_TYPES[0]);

// Cast sources; every type is the target of casts from CASTS_PER_TARGET of them, in rotation.
constexpr int SOURCES[] = {
    find(8, 3, true),     find(8, 0, false),   find(16, 6, true),   find(16, -4, false), find(18, 8, true),
    find(32, 16, true),   find(32, 40, true),  find(64, 32, true),  find(64, 1, false),  find(1, 1, true),
    find(128, 64, true),  find(96, 48, false), find(63, -8, true),  find(24, 7, true),   find(54, 10, true),
    find(16, 16, true, true), find(8, 8, false, true), find(3, 7, false), find(127, 127, false),
};
constexpr int NSOURCES = sizeof(SOURCES) / sizeof(SOURCES[0]);
constexpr int CASTS_PER_TARGET = 2;
constexpr int NCASTS = NTYPES * CASTS_PER_TARGET;
struct CastList {
  int target[NCASTS];
  int source[NCASTS];
};
constexpr CastList make_casts() {
  CastList l{};
  int n = 0;
  for (int k = 0; k < NTYPES; ++k)
    for (int r = 0; r < CASTS_PER_TARGET; ++r) {
      l.target[n] = k;
      l.source[n] = SOURCES[(k * CASTS_PER_TARGET + r) % NSOURCES];
      ++n;
    }
  return l;
}
constexpr CastList CAST_LIST = make_casts();

// Operands of the binary operations (every ordered pair).
constexpr int OPERANDS[] = {
    find(1, 1, true),  find(1, 1, false),  find(8, 3, true),   find(8, 0, false),   find(8, -3, true),
    find(16, 6, true), find(18, 8, true),  find(32, 40, true), find(64, 32, true),  find(63, -8, true),
    find(3, 7, false), find(40, -6, true), find(8, 8, true, true), find(64, 64, true, true), find(6, 1, false),
};
constexpr int NOPERANDS = sizeof(OPERANDS) / sizeof(OPERANDS[0]);

// Dense steps: accumulators of every mode of a few shapes, each with DENSE_PER_ACC (input, weight) pairs.
constexpr Shape ACC_SHAPES[] = {{16, 6, true}, {18, 8, true}, {8, 0, false}};
constexpr int PAIRS[][2] = {
    {find(16, 6, true), find(8, 3, true)},   {find(16, 6, true), find(16, 6, true)},
    {find(8, 0, false), find(8, -3, true)},  {find(18, 8, true), find(6, 1, false)},
    {find(8, 8, true, true), find(8, 3, true)}, {find(32, 40, true), find(18, 8, true)},
    {find(3, 7, false), find(6, 1, false)},
};
constexpr int NPAIRS = sizeof(PAIRS) / sizeof(PAIRS[0]);
constexpr int DENSE_PER_ACC = 2;
constexpr int NDENSE = 3 * 28 * DENSE_PER_ACC;
struct DenseList {
  int acc[NDENSE];
  int pair[NDENSE];
};
constexpr DenseList make_dense() {
  DenseList l{};
  int n = 0;
  for (const Shape& a : ACC_SHAPES)
    for (ap_o_mode o : OMODES)
      for (ap_q_mode q : QMODES)
        for (int r = 0; r < DENSE_PER_ACC; ++r) {
          l.acc[n] = find(a.w, a.i, a.s, false, q, o);
          l.pair[n] = n % NPAIRS;
          ++n;
        }
  return l;
}
constexpr DenseList DENSE_LIST = make_dense();

// ---------------------------------------------------------------------------------------------------

template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N, bool INT>
struct Pick;
template <int W, int I, ap_q_mode Q, ap_o_mode O, int N>
struct Pick<W, I, true, Q, O, N, false> {
  typedef ap_fixed<W, I, Q, O, N> type;
};
template <int W, int I, ap_q_mode Q, ap_o_mode O, int N>
struct Pick<W, I, false, Q, O, N, false> {
  typedef ap_ufixed<W, I, Q, O, N> type;
};
template <int W, int I, ap_q_mode Q, ap_o_mode O, int N>
struct Pick<W, I, true, Q, O, N, true> {
  typedef ap_int<W> type;
};
template <int W, int I, ap_q_mode Q, ap_o_mode O, int N>
struct Pick<W, I, false, Q, O, N, true> {
  typedef ap_uint<W> type;
};

template <int K>
struct At {
  static constexpr Ty t = TYPES.t[K];
  typedef typename Pick<t.w, t.i, t.s, t.q, t.o, t.n, t.integer>::type type;
};
template <int K>
using T = typename At<K>::type;

template <class V>
u128 get_bits(const V& x) {
  u128 r = 0;
  for (int b = 0; b < V::width; ++b)
    if (x.V.get_bit(b)) r |= (u128)1 << b;
  return r;
}
template <class V>
void set_bits(V& x, u128 bits) {
  for (int b = 0; b < V::width; ++b) x.V.set_bit(b, (bits >> b) & 1);
}

template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
void describe(const ap_fixed_base<W, I, S, Q, O, N>&, std::ostream& out) {
  out << W << ' ' << I << ' ' << S << " 0";
}
template <int W, bool S>
void describe(const ap_int_base<W, S>&, std::ostream& out) {
  out << W << ' ' << W << ' ' << S << " 1";
}

std::string hex(u128 v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", (unsigned long long)(v >> 64), (unsigned long long)v);
  return buf;
}

// ---------------------------------------------------------------------------------------------------

template <int K>
u128 from_double(double d) {
  T<K> y = d;
  return get_bits(y);
}
template <int J>
u128 from_float(float f) {
  T<FLOAT_TYPES[J]> y = f;
  return get_bits(y);
}
template <int J>
u128 to_double(u128 bits) {
  T<SHAPE_TYPES.k[J]> x;
  set_bits(x, bits);
  double d = x.to_double();
  uint64_t r;
  std::memcpy(&r, &d, 8);
  return r;
}
template <int J>
u128 to_float(u128 bits) {
  T<SHAPE_TYPES.k[J]> x;
  set_bits(x, bits);
  float f = x.to_float();
  uint32_t r;
  std::memcpy(&r, &f, 4);
  return r;
}
template <int J>
u128 cast(u128 bits) {
  T<CAST_LIST.source[J]> x;
  set_bits(x, bits);
  T<CAST_LIST.target[J]> y = x;
  return get_bits(y);
}

enum { OP_MUL, OP_ADD, OP_SUB };
template <int A, int B, int OP>
void binary(u128 a, u128 b, std::ostream& out) {
  T<OPERANDS[A]> x;
  T<OPERANDS[B]> y;
  set_bits(x, a);
  set_bits(y, b);
  if (OP == OP_MUL) {
    auto r = x * y;
    describe(r, out);
    out << ' ' << hex(get_bits(r));
  } else if (OP == OP_ADD) {
    auto r = x + y;
    describe(r, out);
    out << ' ' << hex(get_bits(r));
  } else {
    auto r = x - y;
    describe(r, out);
    out << ' ' << hex(get_bits(r));
  }
}
template <int J>
u128 dense(u128 acc0, u128 xb, u128 wb) {
  T<DENSE_LIST.acc[J]> acc;
  T<PAIRS[DENSE_LIST.pair[J]][0]> x;
  T<PAIRS[DENSE_LIST.pair[J]][1]> w;
  set_bits(acc, acc0);
  set_bits(x, xb);
  set_bits(w, wb);
  acc += x * w;
  return get_bits(acc);
}

typedef u128 (*FromDouble)(double);
typedef u128 (*FromFloat)(float);
typedef u128 (*Unary)(u128);
typedef void (*Binary)(u128, u128, std::ostream&);
typedef u128 (*Dense)(u128, u128, u128);

template <int... K>
constexpr std::array<FromDouble, sizeof...(K)> double_table(std::integer_sequence<int, K...>) {
  return {{&from_double<K>...}};
}
template <int... K>
constexpr std::array<FromFloat, sizeof...(K)> float_table(std::integer_sequence<int, K...>) {
  return {{&from_float<K>...}};
}
template <int... K>
constexpr std::array<Unary, sizeof...(K)> to_double_table(std::integer_sequence<int, K...>) {
  return {{&to_double<K>...}};
}
template <int... K>
constexpr std::array<Unary, sizeof...(K)> to_float_table(std::integer_sequence<int, K...>) {
  return {{&to_float<K>...}};
}
template <int... K>
constexpr std::array<Unary, sizeof...(K)> cast_table(std::integer_sequence<int, K...>) {
  return {{&cast<K>...}};
}
template <int OP, int... X>
constexpr std::array<Binary, sizeof...(X)> binary_table(std::integer_sequence<int, X...>) {
  return {{&binary<X / NOPERANDS, X % NOPERANDS, OP>...}};
}
template <int... K>
constexpr std::array<Dense, sizeof...(K)> dense_table(std::integer_sequence<int, K...>) {
  return {{&dense<K>...}};
}

const auto DOUBLES = double_table(std::make_integer_sequence<int, NTYPES>());
const auto FLOATS = float_table(std::make_integer_sequence<int, NFLOAT>());
const auto TO_DOUBLE = to_double_table(std::make_integer_sequence<int, SHAPE_TYPES.n>());
const auto TO_FLOAT = to_float_table(std::make_integer_sequence<int, SHAPE_TYPES.n>());
const auto CASTS = cast_table(std::make_integer_sequence<int, NCASTS>());
const auto MULS = binary_table<OP_MUL>(std::make_integer_sequence<int, NOPERANDS * NOPERANDS>());
const auto ADDS = binary_table<OP_ADD>(std::make_integer_sequence<int, NOPERANDS * NOPERANDS>());
const auto SUBS = binary_table<OP_SUB>(std::make_integer_sequence<int, NOPERANDS * NOPERANDS>());
const auto DENSE = dense_table(std::make_integer_sequence<int, NDENSE>());

// ---------------------------------------------------------------------------------------------------

const char* qname(ap_q_mode q) {
  switch (q) {
    case AP_TRN: return "AP_TRN";
    case AP_TRN_ZERO: return "AP_TRN_ZERO";
    case AP_RND: return "AP_RND";
    case AP_RND_ZERO: return "AP_RND_ZERO";
    case AP_RND_MIN_INF: return "AP_RND_MIN_INF";
    case AP_RND_INF: return "AP_RND_INF";
    case AP_RND_CONV: return "AP_RND_CONV";
  }
  return "?";
}
const char* oname(ap_o_mode o) {
  switch (o) {
    case AP_WRAP: return "AP_WRAP";
    case AP_SAT: return "AP_SAT";
    case AP_SAT_ZERO: return "AP_SAT_ZERO";
    case AP_SAT_SYM: return "AP_SAT_SYM";
    default: return "?";
  }
}

void print_types() {
  for (int k = 0; k < NTYPES; ++k) {
    const Ty& t = TYPES.t[k];
    std::printf("type %d %d %d %d %s %s %d %d\n", k, t.w, t.i, t.s, qname(t.q), oname(t.o), t.n, t.integer);
  }
  for (int j = 0; j < NFLOAT; ++j) std::printf("float %d %d\n", j, FLOAT_TYPES[j]);
  for (int j = 0; j < SHAPE_TYPES.n; ++j) std::printf("shape %d %d\n", j, SHAPE_TYPES.k[j]);
  for (int j = 0; j < NCASTS; ++j) std::printf("cast %d %d %d\n", j, CAST_LIST.target[j], CAST_LIST.source[j]);
  for (int j = 0; j < NOPERANDS; ++j) std::printf("operand %d %d\n", j, OPERANDS[j]);
  for (int j = 0; j < NDENSE; ++j)
    std::printf("dense %d %d %d %d\n", j, DENSE_LIST.acc[j], PAIRS[DENSE_LIST.pair[j]][0], PAIRS[DENSE_LIST.pair[j]][1]);
}

u128 parse_hex(const std::string& s) {
  u128 v = 0;
  for (char c : s) {
    int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : c - 'A' + 10;
    v = (v << 4) | (u128)d;
  }
  return v;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s types | CASES_FILE\n", argv[0]);
    return 2;
  }
  if (std::string(argv[1]) == "types") {
    print_types();
    return 0;
  }
  std::ifstream in(argv[1]);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", argv[1]);
    return 2;
  }
  std::ostringstream out;
  std::string line;
  long n = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::istringstream f(line);
    std::string op, a, b, c;
    int i, j;
    f >> op;
    ++n;
    if (op == "Q") {
      f >> i >> a;
      uint64_t bits = (uint64_t)parse_hex(a);
      double d;
      std::memcpy(&d, &bits, 8);
      out << hex(DOUBLES.at(i)(d)) << '\n';
    } else if (op == "F") {
      f >> i >> a;
      uint32_t bits = (uint32_t)parse_hex(a);
      float x;
      std::memcpy(&x, &bits, 4);
      out << hex(FLOATS.at(i)(x)) << '\n';
    } else if (op == "D") {
      f >> i >> a;
      out << hex(TO_DOUBLE.at(i)(parse_hex(a))) << '\n';
    } else if (op == "E") {
      f >> i >> a;
      out << hex(TO_FLOAT.at(i)(parse_hex(a))) << '\n';
    } else if (op == "C") {
      f >> i >> a;
      out << hex(CASTS.at(i)(parse_hex(a))) << '\n';
    } else if (op == "M" || op == "A" || op == "S") {
      f >> i >> j >> a >> b;
      const auto& table = op == "M" ? MULS : op == "A" ? ADDS : SUBS;
      table.at(i * NOPERANDS + j)(parse_hex(a), parse_hex(b), out);
      out << '\n';
    } else if (op == "X") {
      f >> i >> a >> b >> c;
      out << hex(DENSE.at(i)(parse_hex(a), parse_hex(b), parse_hex(c))) << '\n';
    } else {
      std::fprintf(stderr, "line %ld: unknown operation `%s`\n", n, op.c_str());
      return 2;
    }
  }
  std::cout << out.str();
  return 0;
}
