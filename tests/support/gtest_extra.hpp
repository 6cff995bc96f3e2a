#pragma once
// EXPECT_THROW_MSG / ASSERT_THROW_MSG: the statement throws `exception` (or a type derived from
// it) and its what() contains `substring` (in the spirit of fmt's test/gtest-extra.h, which
// asserts the whole text; a substring lets a test name the field and the constraint without
// repeating the source location). Several substrings: what() contains each of them.
//
//     EXPECT_THROW_MSG(load_project(path), pftoken::InputError, "tranches[0].principal: must be >
//     0"); EXPECT_THROW_MSG(pool.swap(true, 1.0, 1.5), fast::Error, "swap.sqrt_price_limit: SPL:
//     must be in (",
//                      ", 1) for zero_for_one, got 1.5");

#include <gtest/gtest.h>

#include <exception>
#include <initializer_list>
#include <string>
#include <string_view>
#include <typeinfo>

namespace pftoken::test {

/// Success when `run()` throws `Exception` whose what() contains every one of `substrings`;
/// otherwise a failure saying what happened instead (no throw, another type, another message).
template <class Exception, class Statement>
::testing::AssertionResult throws_with_message(Statement&& run,
                                               std::initializer_list<std::string_view> substrings,
                                               const char* statement_text,
                                               const char* exception_text) {
    try {
        run();
    } catch (const Exception& e) {
        const std::string what = e.what();
        for (const std::string_view substring : substrings) {
            if (what.find(substring) == std::string::npos) {
                return ::testing::AssertionFailure()
                       << statement_text << " threw " << exception_text << " with message\n  \""
                       << what << "\"\nwhich does not contain\n  \"" << substring << "\"";
            }
        }
        return ::testing::AssertionSuccess();
    } catch (...) {
        try {
            throw;
        } catch (const std::exception& e) {
            return ::testing::AssertionFailure() << statement_text << " threw " << typeid(e).name() << " (\""
                                                 << e.what() << "\"), not " << exception_text;
        } catch (...) {
            return ::testing::AssertionFailure() << statement_text << " threw a non-std exception, not "
                                                 << exception_text;
        }
    }
    ::testing::AssertionResult failure = ::testing::AssertionFailure();
    failure << statement_text << " did not throw (expected " << exception_text << " containing";
    for (const std::string_view substring : substrings) failure << " \"" << substring << "\"";
    return failure << ")";
}

}  // namespace pftoken::test

#define PFTOKEN_TEST_THROW_MSG_(statement, exception, on_failure, ...)                         \
    GTEST_AMBIGUOUS_ELSE_BLOCKER_                                                              \
    if (const ::testing::AssertionResult pftoken_throw_result_ =                               \
            ::pftoken::test::throws_with_message<exception>(                                   \
                [&] { static_cast<void>(statement); }, {__VA_ARGS__}, #statement, #exception)) \
        ;                                                                                      \
    else                                                                                       \
        on_failure(pftoken_throw_result_.message())

/// EXPECT_THROW_MSG(statement, exception, substring...): one or more substrings.
#define EXPECT_THROW_MSG(statement, exception, ...) \
    PFTOKEN_TEST_THROW_MSG_(statement, exception, GTEST_NONFATAL_FAILURE_, __VA_ARGS__)
#define ASSERT_THROW_MSG(statement, exception, ...) \
    PFTOKEN_TEST_THROW_MSG_(statement, exception, GTEST_FATAL_FAILURE_, __VA_ARGS__)
