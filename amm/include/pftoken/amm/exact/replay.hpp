#pragma once
// Replays a JSON scenario of pool operations on the exact v2/v3 models (`pftoken amm replay`).

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

namespace pftoken::amm {

/// A scenario that breaks the input contract (docs/tools/amm-replay.md). The message starts with
/// the JSON path of the offending field, e.g. `ops[3].liquidity: must be ... got "-5"`.
/// (pftoken::amm does not depend on the core library, so this is its own exception type.)
class ReplayError : public std::runtime_error {
  public:
    ReplayError(std::string field, const std::string& constraint)
        : std::runtime_error(field + ": " + constraint), field_(std::move(field)) {}
    [[nodiscard]] const std::string& field() const noexcept { return field_; }

  private:
    std::string field_;
};

/// Runs scenario["ops"] on the pool scenario["pool"] describes and returns {"results": [...]},
/// one object per op: the pool's return values as decimal strings, or {"error": "<revert code>"}
/// for an op the pool rejected (the run goes on). Throws ReplayError for malformed scenarios
/// before or while running; no partial result is returned.
nlohmann::json replay(const nlohmann::json& scenario);

/// Parses `text` (ReplayError on malformed JSON, field "<input>") and replays it.
nlohmann::json replay_text(std::string_view text);

}  // namespace pftoken::amm
