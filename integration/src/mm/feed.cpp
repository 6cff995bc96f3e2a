// The latency layer shared by the venues (docs/order-book.md, "Latency").
#include "pftoken/integration/mm/feed.hpp"

#include <algorithm>

#include "pftoken/base/validate.hpp"

namespace pftoken::integration::mm {

namespace check = ::pftoken::validation;

void LatencyParams::validate(const std::string& prefix) const {
    check::Rules rules;
    rules.require(prefix + "order_latency_ms", static_cast<double>(order_latency_ms), {check::in_closed(0, 3600000)});
    rules.require(prefix + "feed_latency_ms", static_cast<double>(feed_latency_ms), {check::in_closed(0, 3600000)});
    rules.throw_if_failed("latency");
}

LatencyVenue::LatencyVenue(const LatencyParams& latency) : latency_(latency) {
    latency_.validate();
    actions_.reserve(256);
    views_.reserve(1024);
    fills_.reserve(256);
    rejects_.reserve(64);
    fills_out_.reserve(256);
    rejects_out_.reserve(64);
    cancels_.reserve(256);
    cancels_out_.reserve(256);
}

void LatencyVenue::enqueue(const Action& a) {
    // Arrivals are kept in time order; a caller whose clock went backwards is queued by arrival,
    // after the actions of the same arrival time (FIFO among equals).
    actions_.push(a);
    for (std::size_t i = actions_.size() - 1; i > 0 && actions_[i - 1].arrival > actions_[i].arrival; --i)
        std::swap(actions_[i - 1], actions_[i]);
}

void LatencyVenue::place(const Quote& q, TimeMs now) {
    enqueue({now + latency_.order_latency_ms, false, q});
}

void LatencyVenue::cancel(std::uint64_t client_id, TimeMs now) {
    Quote q{};
    q.client_id = client_id;
    enqueue({now + latency_.order_latency_ms, true, q});
}

void LatencyVenue::publish(TimeMs exchange_ts) {
    Pending p;
    p.deliver = exchange_ts + latency_.feed_latency_ms;
    snapshot(p.view);
    p.view.ts = p.deliver;
    views_.push(p);
}

bool LatencyVenue::next(MarketView& view) {
    for (;;) {
        const TimeMs t_event = next_event_time();
        const TimeMs t_action = actions_.empty() ? kNever : actions_.front().arrival;
        const TimeMs t_exchange = std::min(t_event, t_action);
        // A view is delivered once everything the exchange did before its delivery time is done.
        if (!views_.empty() && views_.front().deliver <= t_exchange) {
            view = views_.front().view;
            clock_ = views_.front().deliver;
            views_.pop();
            return true;
        }
        if (t_exchange == kNever) {
            clock_ = kNever;  // the end: every fill and reject is delivered by the next drains
            ended_ = true;
            return false;
        }
        if (t_action <= t_event) {
            const Action a = actions_.front();
            actions_.pop();
            const bool changed = a.cancel ? arrive_cancel(a.quote.client_id, a.arrival) : arrive_place(a.quote, a.arrival);
            if (changed) publish(a.arrival);
        } else if (apply_event()) {
            publish(t_event);
        }
    }
}

void LatencyVenue::report_fill(const Fill& f) { fills_.push(f); }

void LatencyVenue::report_reject(std::uint64_t client_id, TimeMs ts) {
    rejects_.push({ts + latency_.feed_latency_ms, client_id});
}

void LatencyVenue::report_cancel(std::uint64_t client_id, TimeMs ts) {
    cancels_.push({ts + latency_.feed_latency_ms, client_id});
}

std::span<const std::uint64_t> LatencyVenue::drain_cancels() {
    cancels_out_.clear();
    while (!cancels_.empty() && (ended_ || cancels_.front().deliver <= clock_)) {
        cancels_out_.push_back(cancels_.front().client_id);
        cancels_.pop();
    }
    return {cancels_out_.data(), cancels_out_.size()};
}

std::span<const Fill> LatencyVenue::drain_fills() {
    fills_out_.clear();
    while (!fills_.empty() && (ended_ || fills_.front().ts + latency_.feed_latency_ms <= clock_)) {
        fills_out_.push_back(fills_.front());
        fills_.pop();
    }
    return {fills_out_.data(), fills_out_.size()};
}

std::span<const std::uint64_t> LatencyVenue::drain_rejects() {
    rejects_out_.clear();
    while (!rejects_.empty() && (ended_ || rejects_.front().deliver <= clock_)) {
        rejects_out_.push_back(rejects_.front().client_id);
        rejects_.pop();
    }
    return {rejects_out_.data(), rejects_out_.size()};
}

}  // namespace pftoken::integration::mm
