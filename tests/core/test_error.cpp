#include <gtest/gtest.h>

#include "pftoken/error.hpp"
#include "support/gtest_extra.hpp"

TEST(Error, RequireStreamsTheMessage) {
    const int tenor = -3;
    EXPECT_THROW_MSG(
        [&] { PFT_REQUIRE(tenor > 0, "tranches[1].tenor_years: must be > 0, got " << tenor); }(),
        pftoken::Error, "tranches[1].tenor_years: must be > 0, got -3");
}

TEST(Error, InputErrorNamesTheField) {
    const pftoken::InputError e("timeline.operations_years", "must be > 0, got 0");
    EXPECT_EQ(e.field(), "timeline.operations_years");
    EXPECT_STREQ(e.what(), "timeline.operations_years: must be > 0, got 0");
}
