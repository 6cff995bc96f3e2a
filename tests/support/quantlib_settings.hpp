#pragma once
// QuantLib's evaluation date is process-global: EvaluationDate sets it for a test's scope and
// restores the previous one after (tests that price QuantLib instruments as a cross-check).
//
//     const pftoken::test::EvaluationDate eval(QuantLib::Date(17, QuantLib::May, 2027));

#include <ql/settings.hpp>
#include <ql/time/date.hpp>

namespace pftoken::test {

class EvaluationDate {
  public:
    explicit EvaluationDate(const QuantLib::Date& d) : saved_(QuantLib::Settings::instance().evaluationDate()) {
        QuantLib::Settings::instance().evaluationDate() = d;
    }
    ~EvaluationDate() { QuantLib::Settings::instance().evaluationDate() = saved_; }
    EvaluationDate(const EvaluationDate&) = delete;
    EvaluationDate& operator=(const EvaluationDate&) = delete;

  private:
    QuantLib::Date saved_;
};

}  // namespace pftoken::test
