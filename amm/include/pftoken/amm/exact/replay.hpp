#pragma once
// Replays a JSON scenario of pool operations on the exact v2/v3 models (`pftoken amm replay`).

#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "pftoken/error.hpp"

namespace pftoken::amm {

/// A scenario that breaks the input contract (docs/tools/amm-replay.md). The message starts with
/// the JSON path of the offending field, e.g. `ops[3].liquidity: must be ... got "-5"`.
/// Part of the one exception family: an InputError (exit code 2 on the command line).
class ReplayError : public InputError {
  public:
    using InputError::InputError;
};

/// Runs scenario["ops"] on the pool scenario["pool"] describes and returns {"results": [...]},
/// one object per op: the pool's return values as decimal strings, or {"error": "<revert code>"}
/// for an op the pool rejected (the run goes on). Throws ReplayError for malformed scenarios
/// before or while running; no partial result is returned.
nlohmann::json replay(const nlohmann::json& scenario);

/// Parses `text` strictly (pftoken::parse_json: malformed JSON or a duplicate key is a
/// ReplayError whose field is "<input>" or the key's path) and replays it.
nlohmann::json replay_text(std::string_view text);

}  // namespace pftoken::amm
