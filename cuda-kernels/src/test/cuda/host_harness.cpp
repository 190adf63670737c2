// Runs the elementwise and random kernels on the host (see host_shim.h). Reads one request per line from stdin and
// writes one line per request: the output buffer as the hex bits of doubles (float32 results widened exactly),
// then, for ops that check their domain, "| descriptor index input0 input1" from the error record. Every number in
// a request is a decimal int or, for values, the hex bits of a double.
//   unary  T op descriptor LAYOUT n X            binary T op descriptor LAYOUT n A B
//   then   T op u LAYOUT n A B                   of     T op u LAYOUT n A B
//   langevin T LAYOUT n step scale X S Z         where  T LAYOUT n C A B
//   fill   T n value                             copy   S D LAYOUT n SRC DST
//   random T distribution n perBlock seed offset
// T, S, D are f32 or f64; LAYOUT is the 45 ints of a Layout; a buffer is its length, then its values.
#include "host_shim.h"

#include <cinttypes>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "../../main/cuda/elementwise.cuh"
#include "../../main/cuda/philox.cuh"

namespace {

constexpr unsigned kBlocks = 3;  // the grid: blocks run one after the other, one thread each

double readValue(std::istream& in) {
    std::string hex;
    in >> hex;
    unsigned long long bits = std::stoull(hex, nullptr, 16);
    double v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
}

template <typename T>
std::vector<T> readBuffer(std::istream& in) {
    size_t n;
    in >> n;
    std::vector<T> v(n);
    for (T& x : v) {
        x = (T)readValue(in);
    }
    return v;
}

Layout readLayout(std::istream& in) {
    int words[45];
    for (int& w : words) {
        in >> w;
    }
    Layout layout;
    std::memcpy(&layout, words, sizeof layout);
    return layout;
}

template <typename T>
void writeBuffer(const std::vector<T>& v) {
    for (size_t i = 0; i < v.size(); ++i) {
        double d = (double)v[i];
        unsigned long long bits;
        std::memcpy(&bits, &d, sizeof bits);
        std::printf(i == 0 ? "%" PRIx64 : " %" PRIx64, (uint64_t)bits);
    }
}

void writeRecord(const DomainRecord& r) {
    unsigned long long a, b;
    std::memcpy(&a, &r.inputs[0], 8);
    std::memcpy(&b, &r.inputs[1], 8);
    std::printf(" | %d %d %" PRIx64 " %" PRIx64, r.descriptor, r.index, (uint64_t)a, (uint64_t)b);
}

DomainRecord emptyRecord() {
    DomainRecord r{};
    r.firstNaN = JOULE_NO_NAN;
    r.descriptor = -1;
    return r;
}

// Runs body once per block of the grid, as the blocks of a launch would run.
template <typename Body>
void onGrid(Body body) {
    gridDim.x = kBlocks;
    for (blockIdx.x = 0; blockIdx.x < kBlocks; ++blockIdx.x) {
        body();
    }
}

template <typename T>
void run(const std::string& kind, std::istream& in) {
    if (kind == "unary" || kind == "binary") {
        int op, descriptor, n;
        in >> op >> descriptor;
        Layout layout = readLayout(in);
        in >> n;
        std::vector<T> a = readBuffer<T>(in);
        std::vector<T> b = kind == "binary" ? readBuffer<T>(in) : std::vector<T>();
        std::vector<T> y(n);
        DomainRecord record = emptyRecord();
        onGrid([&] {
            if (kind == "unary") {
                unaryKernel<T>(layout, n, op, a.data(), y.data(), &record, descriptor);
            } else {
                binaryKernel<T>(layout, n, op, a.data(), b.data(), y.data(), &record, descriptor);
            }
        });
        writeBuffer(y);
        writeRecord(record);
    } else if (kind == "then" || kind == "of") {
        int op, u, n;
        in >> op >> u;
        Layout layout = readLayout(in);
        in >> n;
        std::vector<T> a = readBuffer<T>(in);
        std::vector<T> b = readBuffer<T>(in);
        std::vector<T> y(n);
        onGrid([&] {
            if (kind == "then") {
                binaryThenUnaryKernel<T>(layout, n, op, u, a.data(), b.data(), y.data());
            } else {
                binaryOfUnaryKernel<T>(layout, n, op, u, a.data(), b.data(), y.data());
            }
        });
        writeBuffer(y);
    } else if (kind == "langevin") {
        Layout layout = readLayout(in);
        int n;
        in >> n;
        double step = readValue(in);
        double scale = readValue(in);
        std::vector<T> x = readBuffer<T>(in);
        std::vector<T> s = readBuffer<T>(in);
        std::vector<T> z = readBuffer<T>(in);
        std::vector<T> y(n);
        onGrid([&] { langevinStepKernel<T>(layout, n, step, scale, x.data(), s.data(), z.data(), y.data()); });
        writeBuffer(y);
    } else if (kind == "where") {
        Layout layout = readLayout(in);
        int n;
        in >> n;
        std::vector<T> c = readBuffer<T>(in);
        std::vector<T> a = readBuffer<T>(in);
        std::vector<T> b = readBuffer<T>(in);
        std::vector<T> y(n);
        onGrid([&] { whereKernel<T>(layout, n, c.data(), a.data(), b.data(), y.data()); });
        writeBuffer(y);
    } else if (kind == "fill") {
        int n;
        in >> n;
        double value = readValue(in);
        std::vector<T> y(n);
        onGrid([&] { fillKernel<T>(n, value, y.data()); });
        writeBuffer(y);
    } else if (kind == "random") {
        int distribution, n, perBlock;
        unsigned long long seed, offset;
        in >> distribution >> n >> perBlock >> seed >> offset;
        std::vector<T> y(n);
        onGrid([&] { randomKernel<T>(distribution, n, perBlock, seed, offset, y.data()); });
        writeBuffer(y);
    } else {
        std::fprintf(stderr, "unknown request %s\n", kind.c_str());
        std::exit(2);
    }
}

template <typename S, typename D>
void runCopy(std::istream& in) {
    Layout layout = readLayout(in);
    int n;
    in >> n;
    std::vector<S> src = readBuffer<S>(in);
    std::vector<D> dst = readBuffer<D>(in);
    onGrid([&] { copyKernel<S, D>(layout, n, src.data(), dst.data()); });
    writeBuffer(dst);
}

}  // namespace

int main() {
    std::string kind;
    while (std::cin >> kind) {
        if (kind == "copy") {
            std::string from, to;
            std::cin >> from >> to;
            if (from == "f32") {
                to == "f32" ? runCopy<float, float>(std::cin) : runCopy<float, double>(std::cin);
            } else {
                to == "f32" ? runCopy<double, float>(std::cin) : runCopy<double, double>(std::cin);
            }
        } else {
            std::string dtype;
            std::cin >> dtype;
            dtype == "f32" ? run<float>(kind, std::cin) : run<double>(kind, std::cin);
        }
        std::printf("\n");
        std::fflush(stdout);
    }
    return 0;
}
