// A GPU emulated on the host, for tests without one (EmulatedGpu on the Java side): the real kernels (host_shim.h,
// and mma.h for the TF32 one), host memory as device memory, each block run by its threads (128 or 256) with a
// barrier. One command per line on stdin, one reply line each on stdout:
//   alloc BYTES                         -> the address
//   free ADDRESS                        -> ok
//   upload ADDRESS HEX                  -> ok         (HEX: the bytes, two hex digits each)
//   download ADDRESS BYTES              -> HEX
//   fill32 ADDRESS WORD COUNT           -> ok
//   launch ENTRY GRIDX GRIDY THREADS ARG...  -> ok    (ARG: i:INT | u:U64 | d:HEXBITS | s:INT,INT,...)
// Errors are one line starting with "error".
#include "host_shim.h"

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <type_traits>
#include <vector>

#include "../../main/cuda/conv.cuh"
#include "../../main/cuda/elementwise.cuh"
#include "../../main/cuda/matmul.cuh"
#include "../../main/cuda/matmul_tf32.cuh"
#include "../../main/cuda/philox.cuh"
#include "../../main/cuda/reduce.cuh"

namespace {

// The launch arguments, read in the order of the kernel's parameters.
class Arguments {
  public:
    explicit Arguments(std::vector<std::string> tokens) : tokens_(std::move(tokens)) {}

    template <typename P>
    P next() {
        const std::string& t = tokens_.at(at_++);
        const std::string value = t.substr(2);
        if constexpr (std::is_same_v<P, int>) {
            expect(t, 'i');
            return std::stoi(value);
        } else if constexpr (std::is_same_v<P, double>) {
            expect(t, 'd');
            unsigned long long bits = std::stoull(value, nullptr, 16);
            double d;
            std::memcpy(&d, &bits, sizeof d);
            return d;
        } else if constexpr (std::is_same_v<P, unsigned long long> || std::is_pointer_v<P>) {
            expect(t, 'u');
            unsigned long long v = std::stoull(value);
            if constexpr (std::is_pointer_v<P>) {
                return reinterpret_cast<P>(static_cast<uintptr_t>(v));
            } else {
                return v;
            }
        } else {
            expect(t, 's');
            std::vector<int> words;
            std::stringstream in(value);
            for (std::string w; std::getline(in, w, ',');) {
                words.push_back(std::stoi(w));
            }
            if (words.size() * sizeof(int) != sizeof(P)) {
                throw std::runtime_error("struct argument of " + std::to_string(words.size()) + " ints for a struct of "
                                         + std::to_string(sizeof(P)) + " bytes");
            }
            P p;
            std::memcpy(&p, words.data(), sizeof p);
            return p;
        }
    }

    size_t left() const {
        return tokens_.size() - at_;
    }

  private:
    static void expect(const std::string& token, char kind) {
        if (token.size() < 2 || token[0] != kind || token[1] != ':') {
            throw std::runtime_error("argument " + token + " is not of kind " + kind);
        }
    }

    std::vector<std::string> tokens_;
    size_t at_ = 0;
};

// The kernel with its arguments read (left to right, as braced initialisation guarantees), ready to run per thread.
template <typename... P>
std::function<void()> bind(void (*kernel)(P...), Arguments& args) {
    auto values = std::make_shared<std::tuple<std::decay_t<P>...>>(
        std::tuple<std::decay_t<P>...>{args.next<std::decay_t<P>>()...});
    if (args.left() != 0) {
        throw std::runtime_error(std::to_string(args.left()) + " arguments too many");
    }
    return [kernel, values] { std::apply(kernel, *values); };
}

#define JOULE_HOST_ENTRY(name) {#name, [](Arguments& a) { return bind(name, a); }}
const std::map<std::string, std::function<std::function<void()>(Arguments&)>> kEntries = {
    JOULE_HOST_ENTRY(unary_f32), JOULE_HOST_ENTRY(unary_f64), JOULE_HOST_ENTRY(binary_f32),
    JOULE_HOST_ENTRY(binary_f64), JOULE_HOST_ENTRY(binary_then_unary_f32), JOULE_HOST_ENTRY(binary_then_unary_f64),
    JOULE_HOST_ENTRY(binary_of_unary_f32), JOULE_HOST_ENTRY(binary_of_unary_f64),
    JOULE_HOST_ENTRY(langevin_step_f32), JOULE_HOST_ENTRY(langevin_step_f64), JOULE_HOST_ENTRY(where_f32),
    JOULE_HOST_ENTRY(where_f64), JOULE_HOST_ENTRY(fill_f32), JOULE_HOST_ENTRY(fill_f64),
    JOULE_HOST_ENTRY(copy_f32_f32), JOULE_HOST_ENTRY(copy_f32_f64), JOULE_HOST_ENTRY(copy_f64_f32),
    JOULE_HOST_ENTRY(copy_f64_f64), JOULE_HOST_ENTRY(reduce_f32_f32), JOULE_HOST_ENTRY(reduce_f32_f64),
    JOULE_HOST_ENTRY(reduce_f64_f32), JOULE_HOST_ENTRY(reduce_f64_f64), JOULE_HOST_ENTRY(argmax_f32),
    JOULE_HOST_ENTRY(argmax_f64), JOULE_HOST_ENTRY(matmul_f32), JOULE_HOST_ENTRY(matmul_f64), JOULE_HOST_ENTRY(matmul_tf32),
    JOULE_HOST_ENTRY(random_f32), JOULE_HOST_ENTRY(random_f64), JOULE_HOST_ENTRY(conv2d_f32),
    JOULE_HOST_ENTRY(conv2d_f64), JOULE_HOST_ENTRY(conv2d_transpose_f32), JOULE_HOST_ENTRY(conv2d_transpose_f64),
    JOULE_HOST_ENTRY(conv2d_weight_grad_f32), JOULE_HOST_ENTRY(conv2d_weight_grad_f64)};

// The threads of a block, which run the blocks of a grid one after the other.
class Block {
  public:
    explicit Block(unsigned threads) : threads_(threads), start_(threads + 1), end_(threads + 1), sync_(threads) {
        for (unsigned t = 0; t < threads; ++t) {
            workers_.emplace_back([this, t] {
                threadIdx = HostDim3{t, 0, 0};
                for (;;) {
                    start_.arrive_and_wait();
                    if (!body_) {
                        return;
                    }
                    body_();
                    end_.arrive_and_wait();
                }
            });
        }
    }

    ~Block() {
        body_ = nullptr;
        start_.arrive_and_wait();
        for (std::thread& t : workers_) {
            t.join();
        }
    }

    void runGrid(unsigned gridX, unsigned gridY, std::function<void()> body) {
        body_ = std::move(body);
        hostBlockBarrier = &sync_;
        gridDim = HostDim3{gridX, gridY, 1};
        blockDim = HostDim3{threads_, 1, 1};
        for (unsigned y = 0; y < gridY; ++y) {
            for (unsigned x = 0; x < gridX; ++x) {
                blockIdx = HostDim3{x, y, 0};
                start_.arrive_and_wait();
                end_.arrive_and_wait();
            }
        }
    }

  private:
    unsigned threads_;
    std::barrier<> start_;
    std::barrier<> end_;
    std::barrier<> sync_;
    std::function<void()> body_;
    std::vector<std::thread> workers_;
};

// The block sizes the kernels are launched with.
struct Blocks {
    Block of128{128};
    Block of256{256};
};

std::string toHex(const unsigned char* bytes, size_t n) {
    static const char* digits = "0123456789abcdef";
    std::string s(2 * n, '0');
    for (size_t i = 0; i < n; ++i) {
        s[2 * i] = digits[bytes[i] >> 4];
        s[2 * i + 1] = digits[bytes[i] & 15];
    }
    return s;
}

std::string launch(std::istringstream& in, Blocks& blocks) {
    std::string name;
    unsigned gridX, gridY, threads;
    in >> name >> gridX >> gridY >> threads;
    std::vector<std::string> tokens;
    for (std::string t; in >> t;) {
        tokens.push_back(t);
    }
    auto entry = kEntries.find(name);
    if (entry == kEntries.end()) {
        return "error: no kernel " + name + " on the emulated device";
    }
    if (threads != 128 && threads != 256) {
        return "error: blocks of " + std::to_string(threads) + " threads; the emulated device runs 128 or 256";
    }
    Arguments args(tokens);
    (threads == 128 ? blocks.of128 : blocks.of256).runGrid(gridX, gridY, entry->second(args));
    return "ok";
}

std::string serve(const std::string& line, Blocks& blocks) {
    std::istringstream in(line);
    std::string command;
    in >> command;
    if (command == "launch") {
        return launch(in, blocks);
    }
    if (command == "alloc") {
        size_t bytes;
        in >> bytes;
        void* p = std::aligned_alloc(256, (bytes + 255) / 256 * 256);
        return std::to_string(reinterpret_cast<uintptr_t>(p));
    }
    unsigned long long address;
    in >> address;
    unsigned char* p = reinterpret_cast<unsigned char*>(static_cast<uintptr_t>(address));
    if (command == "free") {
        std::free(p);
    } else if (command == "upload") {
        std::string hex;
        in >> hex;
        for (size_t i = 0; i < hex.size() / 2; ++i) {
            p[i] = (unsigned char)std::stoi(hex.substr(2 * i, 2), nullptr, 16);
        }
    } else if (command == "download") {
        size_t bytes;
        in >> bytes;
        return toHex(p, bytes);
    } else if (command == "fill32") {
        unsigned word;
        size_t count;
        in >> word >> count;
        for (size_t i = 0; i < count; ++i) {
            std::memcpy(p + 4 * i, &word, 4);
        }
    } else {
        return "error: unknown command " + command;
    }
    return "ok";
}

}  // namespace

int main() {
    Blocks blocks;
    for (std::string line; std::getline(std::cin, line);) {
        std::string reply;
        try {
            reply = serve(line, blocks);
        } catch (const std::exception& e) {
            reply = std::string("error: ") + e.what();
        }
        std::printf("%s\n", reply.c_str());
        std::fflush(stdout);
    }
    return 0;
}
