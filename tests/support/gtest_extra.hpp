#pragma once
// EXPECT_THROW_MSG / ASSERT_THROW_MSG: the statement throws `exception` (or a type derived from
// it) and its what() contains `substring` (in the spirit of fmt's test/gtest-extra.h, which
// asserts the whole text; a substring lets a test name the field and the constraint without
// repeating the source location).
//
//     EXPECT_THROW_MSG(load_project(path), pftoken::InputError, "tranches[0].principal: must be > 0");

#include <gtest/gtest.h>

#include <exception>
#include <string>
#include <string_view>
#include <typeinfo>

namespace pftoken::test {

/// Success when `run()` throws `Exception` whose what() contains `substring`; otherwise a
/// failure saying what happened instead (no throw, another type, another message).
template <class Exception, class Statement>
::testing::AssertionResult throws_with_message(Statement&& run, std::string_view substring,
                                               const char* statement_text, const char* exception_text) {
    try {
        run();
    } catch (const Exception& e) {
        const std::string what = e.what();
        if (what.find(substring) != std::string::npos) return ::testing::AssertionSuccess();
        return ::testing::AssertionFailure() << statement_text << " threw " << exception_text << " with message\n  \""
                                             << what << "\"\nwhich does not contain\n  \"" << substring << "\"";
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
    return ::testing::AssertionFailure() << statement_text << " did not throw (expected " << exception_text
                                         << " containing \"" << substring << "\")";
}

}  // namespace pftoken::test

#define PFTOKEN_TEST_THROW_MSG_(statement, exception, substring, on_failure)                                    \
    GTEST_AMBIGUOUS_ELSE_BLOCKER_                                                                               \
    if (const ::testing::AssertionResult pftoken_throw_result_ = ::pftoken::test::throws_with_message<exception>( \
            [&] { static_cast<void>(statement); }, substring, #statement, #exception))                          \
        ;                                                                                                       \
    else                                                                                                        \
        on_failure(pftoken_throw_result_.message())

#define EXPECT_THROW_MSG(statement, exception, substring) \
    PFTOKEN_TEST_THROW_MSG_(statement, exception, substring, GTEST_NONFATAL_FAILURE_)
#define ASSERT_THROW_MSG(statement, exception, substring) \
    PFTOKEN_TEST_THROW_MSG_(statement, exception, substring, GTEST_FATAL_FAILURE_)
