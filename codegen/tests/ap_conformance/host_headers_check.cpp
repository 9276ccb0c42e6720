// Compiled with -std=c++11 -Wall -Wextra -Werror against the host headers only, then run: touches
// every part of ap_int.h, ap_fixed.h, hls_stream.h and ap_axi_sdata.h and checks a few values
// (the conformance suite checks values against the reference library; this checks what the
// reference library does not have: hls_stream behaviour, the AXI structures).
#include <ap_axi_sdata.h>
#include <ap_fixed.h>
#include <ap_int.h>
#include <hls_stream.h>

#include <iostream>
#include <sstream>
#include <string>

static int failures = 0;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            std::cout << "FAILED: " #cond " (line " << __LINE__ << ")\n"; \
            ++failures;                                                      \
        }                                                                    \
    } while (0)

typedef ap_fixed<16, 6> data_t;
typedef ap_fixed<16, 6, AP_RND_CONV, AP_SAT> sat_t;
typedef ap_ufixed<8, 0, AP_RND, AP_SAT_SYM> prob_t;

static void scalars() {
    // Construction from every C scalar type and from strings.
    ap_int<12> a = (char)-3;
    ap_int<12> b = (signed char)-4;
    ap_uint<12> c = (unsigned char)5;
    ap_int<12> d = (short)-6;
    ap_uint<12> e = (unsigned short)7;
    ap_int<40> f = -8;
    ap_uint<40> g = 9u;
    ap_int<64> h = -10L;
    ap_uint<64> i = 11UL;
    ap_int<65> j = -12LL;
    ap_uint<128> k = 13ULL;
    ap_int<8> l = 2.75;
    ap_int<8> m = -2.75f;
    ap_uint<1> n = true;
    ap_int<16> o("-0x1f", 16);
    ap_uint<16> p("101", 2);
    ap_int<16> q = "1234";
    CHECK(a + b == -7 && c * d == -30 && e - f == 15 && g / 3 == 3 && h % 4 == -2);
    CHECK(i == 11 && j == -12 && k == 13 && l == 2 && m == -2 && n == 1);
    CHECK(o == -31 && p == 5 && q == 1234);

    data_t x = 1.5;
    data_t y = -0.25f;
    sat_t s = 100;  // saturates to the maximum, 32 - 2^-10
    prob_t pr = 1.0;
    ap_ufixed<4, 4> u = 19.0;  // wraps to 3
    CHECK(x.to_double() == 1.5 && y.to_float() == -0.25f);
    CHECK(s.to_double() == 32 - 1.0 / 1024 && pr.to_double() == 255.0 / 256);
    CHECK(u == 3 && u.to_int() == 3);
    const double xd = x;
    const int xi = x;
    const long long xl = y;
    CHECK(xd == 1.5 && xi == 1 && xl == 0 && (bool)x);
}

static void arithmetic() {
    data_t x = 1.5, y = -0.25;
    ap_fixed<32, 12> prod = x * y;  // full precision: ap_fixed<32,12>
    ap_fixed<17, 7> sum = x + y;
    ap_fixed<17, 7> diff = x - y;
    CHECK(prod == -0.375 && sum == 1.25 && diff == 1.75);
    CHECK((x / y).to_double() == -6.0);
    CHECK(-x == -1.5 && x > y && y < 0 && x >= 1.5 && x <= 1.5 && x != y && x == 1.5);
    data_t acc = 0;
    for (int t = 0; t < 4; ++t) acc += x * y;
    CHECK(acc == -1.5);
    acc -= 1;
    acc *= 2;
    acc /= 5;
    CHECK(acc.to_double() == -1.0);
    ++acc;
    acc--;
    CHECK(acc == -1);
    sat_t s = 31;
    s += 10;  // saturates
    CHECK(s.to_double() == 32 - 1.0 / 1024);

    ap_int<8> i = 100;
    ap_uint<8> u = 200;
    ap_int<10> isum = i + u;  // ap_int<10>
    CHECK(isum == 300 - 1024 + 1024);
    CHECK((i & u) == (100 & 200) && (i | u) == (100 | 200) && (i ^ u) == (100 ^ 200));
    CHECK((~u) == 55 && !ap_int<3>(0) && (i << 1) == -56 && (u >> 3) == 25);
    i <<= 1;
    u >>= 2;
    i += 1;
    u -= 1;
    i *= 2;
    u /= 7;
    i %= 5;
    u &= 6;
    i |= 1;
    u ^= 3;
    CHECK(i == 1 && u == 5);
    ap_int<128> big = 1;
    big <<= 100;
    ap_int<256> big2 = big * big;
    CHECK(big2[200] == 1 && big2.countLeadingZeros() == 55);
    CHECK(big.to_string(10) == "1267650600228229401496703205376");
}

static void bits() {
    ap_uint<16> w = 0xABCD;
    CHECK(w[0] == 1 && w[1] == 0 && w.bit(2) == 1 && w.get_bit(3) == 1);
    CHECK(w.range(7, 0) == 0xCD && w(15, 8) == 0xAB && w.range(0, 3) == 0xB);  // reversed
    CHECK(w.range(15, 8).to_uint() == 0xAB && w.length() == 16);
    w[0] = 0;
    w[15] = false;
    w.set_bit(1, true);
    w.range(11, 8) = 0x5;
    CHECK(w == 0x25CE);
    w.range(3, 0) = w.range(7, 4);
    CHECK(w == 0x25CC);
    CHECK(w.and_reduce() == false && w.or_reduce() == true && w.xor_reduce() == true);
    ap_fixed<8, 4> f = -2.5;  // raw bits 0xD8
    CHECK(f.range(7, 0) == 0xD8 && f[7] == 1);
    f[7] = 0;
    CHECK(f == 5.5);
    ap_uint<8> raw = f.range();
    CHECK(raw == 0x58);
    w.reverse();
    CHECK(w[0] == 0 && w.length() == 16);
}

static void text() {
    std::ostringstream os;
    os << ap_int<8>(-5) << " " << ap_uint<70>(1) << " " << data_t(1.5) << " " << ap_fixed<8, 3>(-0.25);
    CHECK(os.str() == "-5 1 1.5 -0.25");
    CHECK(data_t(-3.125).to_string(10) == "-3.125");
    CHECK(ap_int<8>(-5).to_string(10) == "-5");
}

static void streams() {
    hls::stream<data_t> s("layer_out");
    hls::stream<ap_uint<8> > t;
    CHECK(s.empty() && !s.full() && s.size() == 0 && std::string(s.name()) == "layer_out");
    s.write(1.5);
    s << data_t(2.5);
    CHECK(s.size() == 2 && !s.empty());
    data_t v = s.read();
    data_t w;
    s >> w;
    CHECK(v == 1.5 && w == 2.5 && s.empty());
    data_t z;
    CHECK(!s.read_nb(z) && s.write_nb(3.0) && s.read_nb(z) && z == 3.0);
    // Reading an empty stream warns (on stderr) and returns a default value.
    const data_t e = s.read();
    CHECK(e == 0);
    ap_uint<8> e2 = 7;
    t.read(e2);
    CHECK(e2 == 0);
    hls::stream<int> plain;
    CHECK(plain.read() == 0);
}

static void axi() {
    ap_axis<32, 2, 5, 6> a;
    a.data = -1;
    a.keep = -1;
    a.strb = 0xF;
    a.user = 3;
    a.last = 1;
    a.id = 17;
    a.dest = 33;
    CHECK(a.data == -1 && a.keep == 0xF && a.user == 3 && a.id == 17 && a.dest == 33 && a.last);
    ap_axiu<64, 0, 0, 0> b;  // zero-width side channels still exist as 1-bit fields
    b.data = 1;
    b.data <<= 63;
    b.keep = 0xFF;
    b.last = 0;
    CHECK(b.data[63] == 1 && b.keep.length() == 8 && b.user.length() == 1);
    hls::axis<ap_fixed<16, 6>, 1, 0, 0> c;
    c.data = 1.25;
    c.keep = 3;
    CHECK(c.keep.length() == 2 && c.data == 1.25);
    hls::axis<float> d;
    d.data = 0.5f;
    CHECK(d.keep.length() == 4);
    hls::stream<ap_axis<32, 2, 5, 6> > as("axis_in");
    as.write(a);
    ap_axis<32, 2, 5, 6> a2 = as.read();
    CHECK(a2.data == -1 && a2.last == 1 && a2.dest == 33);
}

int main() {
    scalars();
    arithmetic();
    bits();
    text();
    streams();
    axi();
    std::cout << (failures ? "host headers check: FAILED" : "host headers check: OK") << std::endl;
    return failures ? 1 : 0;
}
