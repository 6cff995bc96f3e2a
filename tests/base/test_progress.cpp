// pftoken/base/progress.hpp: the labelled progress bar.
#include <sstream>

#include <gtest/gtest.h>

#include "pftoken/base/progress.hpp"

using namespace pftoken;

TEST(Progress, LineShowsLabelPercentAndEta) {
    // Half done in 10 s: the other half at the same rate takes 10 s more.
    EXPECT_EQ(progress_line("mc", 50, 100, 10.0), "mc [###############               ]  50% ETA 10s");
    EXPECT_EQ(progress_line("mc", 100, 100, 125.0), "mc [##############################] 100% done in 2m05s");
    EXPECT_EQ(progress_line("mc", 0, 100, 1.0), "mc [                              ]   0% ETA ?");
}

TEST(Progress, SilentWhenDisabledOrBeforeTheDelay) {
    std::ostringstream out;
    {
        ProgressBar quiet("x", false, out, std::chrono::milliseconds(0));
        quiet.update(1, 2);
    }
    EXPECT_EQ(out.str(), "");
    {
        ProgressBar slow("x", true, out, std::chrono::hours(1));
        slow.update(1, 2);
    }
    EXPECT_EQ(out.str(), "");
    {
        ProgressBar bar("run", true, out, std::chrono::milliseconds(0));
        bar.callback()(2, 2);
    }
    EXPECT_NE(out.str().find("run ["), std::string::npos);
    EXPECT_NE(out.str().find("100%"), std::string::npos);
}
