// The shipped example projects and the template load and validate, with the structure their
// comments promise (docs/examples.md).
#include <numeric>
#include <string>

#include <gtest/gtest.h>

#include "pftoken/mc/stochastic_yaml.hpp"
#include "pftoken/model/loader.hpp"

namespace {

const std::string kSource = PFTOKEN_SOURCE_DIR;

TEST(Examples, SolarLoads) {
    const auto p = pftoken::load_project(kSource + "/data/examples/solar.yaml");
    EXPECT_EQ(p.timeline.frequency, pftoken::Frequency::Monthly);
    EXPECT_EQ(p.timeline.operations_years * static_cast<int>(p.timeline.frequency), 300);
    EXPECT_EQ(p.tranches.size(), 3u);
    EXPECT_NEAR(std::accumulate(p.construction.capex_profile.begin(), p.construction.capex_profile.end(), 0.0), 1.0, 1e-12);
    EXPECT_EQ(p.construction.capex_profile.size(), static_cast<std::size_t>(p.timeline.construction_months));
    EXPECT_TRUE(p.dsra.enabled);
    EXPECT_TRUE(p.mra.enabled);
    EXPECT_TRUE(p.covenants.sweep.enabled);
    EXPECT_EQ(p.covenants.sweep.tranche, "junior");
    EXPECT_TRUE(p.tranches[2].deferrable_interest);
    EXPECT_FALSE(p.tranches[1].deferrable_interest);
    EXPECT_EQ(p.market.discount.kind, pftoken::CurveSpec::Kind::Zero);
    // The CSV path is resolved against the YAML file's folder.
    EXPECT_EQ(p.market.discount.csv_path, kSource + "/data/curves/usd_zero_2025.csv");
    EXPECT_TRUE(p.market.discount.pillars.empty());
    EXPECT_TRUE(pftoken::check_project(p).empty());
}

TEST(Examples, TollRoadLoads) {
    const auto p = pftoken::load_project(kSource + "/data/examples/toll_road.yaml");
    EXPECT_EQ(p.timeline.frequency, pftoken::Frequency::Quarterly);
    ASSERT_EQ(p.tranches.size(), 2u);
    EXPECT_EQ(p.tranches[0].rate_type, pftoken::Tranche::RateType::Floating);
    EXPECT_EQ(p.tranches[0].index, "EURIBOR6M");
    EXPECT_EQ(p.tranches[1].amortisation, pftoken::Amortisation::Bullet);
    EXPECT_TRUE(p.dsra.tranches.empty());  // shared
    ASSERT_EQ(p.market.forwards.size(), 1u);
    EXPECT_EQ(p.market.forwards[0].pillars.size(), 7u);
    EXPECT_EQ(p.waterfall_order.size(), 7u);
    EXPECT_TRUE(p.revenues[0].p50_volume.has_value());
}

// The wind farm carries the Monte Carlo model (stochastic:, illustrative parameters) and the
// junior's deferral terms; the cash-flows example gives its operations as CSV lines.
TEST(Examples, WindFarmAndItsCashFlowLinesLoad) {
    const auto p = pftoken::load_project(kSource + "/data/examples/wind_farm.yaml");
    ASSERT_EQ(p.tranches.size(), 2u);
    EXPECT_EQ(p.tranches[1].deferral.default_interest_margin, 0.02);
    ASSERT_TRUE(p.tranches[1].deferral.max_periods && p.tranches[1].deferral.max_amount);
    EXPECT_EQ(*p.tranches[1].deferral.max_periods, 8);
    EXPECT_EQ(*p.tranches[1].deferral.max_amount, 1e6);
    EXPECT_TRUE(pftoken::check_project(p).empty());
    // The Monte Carlo model: a one-year P90 of 0.88 x P50 with independent quarters gives a
    // quarterly P90/P50 of 0.88^2 = 0.7744 (the file's derivation), written 0.77.
    const auto spec = pftoken::mc::load_stochastic(kSource + "/data/examples/wind_farm.yaml");
    EXPECT_NEAR(spec.volume.p90_over_p50, 0.88 * 0.88, 0.005);
    EXPECT_TRUE(spec.merchant_price.enabled && spec.opex_inflation.enabled && spec.interest_rate.enabled &&
                spec.availability.enabled && spec.construction.enabled);
    ASSERT_EQ(spec.correlation_factors.size(), 4u);
    EXPECT_EQ(spec.correlation[0][1], -0.3);  // merchant price against volume: cannibalisation
    const auto lines_spec = pftoken::mc::load_stochastic(kSource + "/data/examples/cash_flows/wind_farm_lines.yaml");
    EXPECT_FALSE(lines_spec.merchant_price.enabled);  // it would scale the contracted revenue too
    const auto lines = pftoken::load_project(kSource + "/data/examples/cash_flows/wind_farm_lines.yaml");
    EXPECT_TRUE(lines.revenues.empty());
    for (const auto* line : {&lines.cash_flows.revenue, &lines.cash_flows.opex, &lines.cash_flows.maintenance_capex,
                             &lines.cash_flows.working_capital_change, &lines.cash_flows.tax})
        EXPECT_EQ(line->size(), 100u);
    EXPECT_TRUE(pftoken::check_project(lines).empty());
}

TEST(Examples, MinimalTemplateLoads) {
    const auto p = pftoken::load_project(kSource + "/data/templates/minimal.yaml");
    EXPECT_EQ(p.tranches.size(), 1u);
    EXPECT_EQ(p.timeline.construction_months, 0);
    EXPECT_FALSE(p.dsra.enabled);
    EXPECT_EQ(p.market.discount.flat_rate, 0.05);
}

}  // namespace
