#pragma once
// The one parallel loop: chunks of an index range handed out to a few threads, results reduced
// in chunk order so a run gives the same bits on any thread count.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace pftoken::base {

/// `requested` threads, or std::thread::hardware_concurrency() (at least 1) when it is 0.
[[nodiscard]] unsigned resolve_threads(unsigned requested) noexcept;

/// How a parallel_for_chunks run is laid out.
struct ParallelOptions {
    unsigned threads = 0;  ///< workers; 0 = resolve_threads(0); never more than there are chunks
    /// Called on the calling thread about every `poll_interval` while the workers run, and once
    /// after they finished (for progress bars). When set, every worker gets a thread of its own.
    std::function<void()> poll;
    std::chrono::milliseconds poll_interval{100};
};

/// Workers that parallel_for_chunks will use for `chunks` chunks.
[[nodiscard]] inline unsigned worker_count(std::size_t chunks, unsigned threads) noexcept {
    const std::size_t t = std::min<std::size_t>(chunks, resolve_threads(threads));
    return static_cast<unsigned>(std::max<std::size_t>(1, t));
}

/// Runs body(chunk, worker) once for every chunk in [0, chunks), chunks taken in increasing
/// order by whichever worker is free (worker in [0, worker_count(chunks, threads))). The
/// calling thread is worker 0 unless `options.poll` is set. After the first exception no new
/// chunk starts; the exception is rethrown once every worker has stopped. Which worker runs a
/// chunk varies between runs: per-worker state may only hold scratch or order-free reductions
/// (integer counts); anything else is written per chunk or per index and reduced afterwards in
/// chunk order (reduce_chunks).
template <class Body>
void parallel_for_chunks(std::size_t chunks, const ParallelOptions& options, Body&& body) {
    const unsigned workers = worker_count(chunks, options.threads);
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::atomic<unsigned> running{workers};
    std::exception_ptr error;
    std::mutex error_mutex;
    auto work = [&](unsigned w) {
        try {
            for (;;) {
                if (failed.load(std::memory_order_relaxed)) break;
                const std::size_t c = next.fetch_add(1, std::memory_order_relaxed);
                if (c >= chunks) break;
                body(c, w);
            }
        } catch (...) {
            const std::lock_guard<std::mutex> lock(error_mutex);
            if (!error) error = std::current_exception();
            failed.store(true);
        }
        running.fetch_sub(1);
    };
    std::vector<std::thread> pool;
    const unsigned own = options.poll ? 0U : 1U;  // workers run on the calling thread
    pool.reserve(workers - own);
    for (unsigned w = own; w < workers; ++w) pool.emplace_back(work, w);
    if (options.poll) {
        while (running.load() > 0) {
            options.poll();
            std::this_thread::sleep_for(options.poll_interval);
        }
        options.poll();
    } else {
        work(0U);
    }
    for (auto& t : pool) t.join();
    if (error) std::rethrow_exception(error);
}

/// Chunk `c` of [0, n) split into chunks of `chunk` indices: [first, last).
struct ChunkRange {
    std::size_t first = 0, last = 0;
};
[[nodiscard]] constexpr std::size_t chunk_count(std::size_t n, std::size_t chunk) noexcept {
    return chunk == 0 ? 0 : (n + chunk - 1) / chunk;
}
[[nodiscard]] constexpr ChunkRange chunk_range(std::size_t n, std::size_t chunk, std::size_t c) noexcept {
    const std::size_t first = c * chunk;
    return {first, std::min(n, first + chunk)};
}

/// parallel_for over [0, n) in chunks of `chunk` indices: body(first, last, worker).
template <class Body>
void parallel_for(std::size_t n, std::size_t chunk, const ParallelOptions& options, Body&& body) {
    parallel_for_chunks(chunk_count(n, chunk), options, [&](std::size_t c, unsigned w) {
        const ChunkRange r = chunk_range(n, chunk, c);
        body(r.first, r.last, w);
    });
}

/// Deterministic map-reduce: map(first, last, worker) -> T for every chunk of [0, n), run in
/// parallel; the chunk results are then folded on the calling thread in chunk order,
/// reduce(reduce(reduce(init, r0), r1), ...), so the result does not depend on the threads.
template <class T, class Map, class Reduce>
[[nodiscard]] T reduce_chunks(std::size_t n, std::size_t chunk, const ParallelOptions& options, T init, Map&& map,
                              Reduce&& reduce) {
    std::vector<T> partial(chunk_count(n, chunk), init);
    parallel_for_chunks(partial.size(), options, [&](std::size_t c, unsigned w) {
        const ChunkRange r = chunk_range(n, chunk, c);
        partial[c] = map(r.first, r.last, w);
    });
    T total = std::move(init);
    for (auto& p : partial) total = reduce(std::move(total), std::move(p));
    return total;
}

}  // namespace pftoken::base
