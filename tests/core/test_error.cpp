#include <gtest/gtest.h>

#include "pftoken/error.hpp"

TEST(Error, RequireStreamsTheMessage) {
    const int tenor = -3;
    try {
        PFT_REQUIRE(tenor > 0, "tranches[1].tenor_years: must be > 0, got " << tenor);
        FAIL() << "PFT_REQUIRE did not throw";
    } catch (const pftoken::Error& e) {
        EXPECT_STREQ(e.what(), "tranches[1].tenor_years: must be > 0, got -3");
    }
}

TEST(Error, InputErrorNamesTheField) {
    const pftoken::InputError e("timeline.operations_years", "must be > 0, got 0");
    EXPECT_EQ(e.field(), "timeline.operations_years");
    EXPECT_STREQ(e.what(), "timeline.operations_years: must be > 0, got 0");
}
