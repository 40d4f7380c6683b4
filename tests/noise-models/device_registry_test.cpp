// The device interface and its registry: names, factories and parameters,
// each model's three steps on hand-computed values, the block form against
// the closed forms of pcm.h and table_device.h bit for bit (the engine
// programs through it), the draws a device asks for, and a device defined
// here plugging into the same base.
#include "noise-models/device_registry.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "noise-models/counter_rng.h"

namespace aimc::noise {
namespace {

// t_inf at which ((t + t0) / t0) = e: the drift factor is then e^(−ν).
double e_time(double t0) { return t0 * (std::exp(1.0) - 1.0); }

Conductance one(const DeviceModel& m, double g, const DeviceDraws& d, double t) {
  Conductance out;
  m.conductances(std::span(&g, 1), std::span(&d, 1), t, std::span(&out, 1));
  return out;
}

TEST(DeviceRegistry, ListsEveryDeviceAndMakesEachByItsName) {
  const std::vector<std::string_view> names = device_names();
  EXPECT_EQ(names, (std::vector<std::string_view>{"ideal", "pcm", "gaussian", "rram", "custom"}));
  for (std::string_view n : names) EXPECT_EQ(make_device(n, {})->name(), n);
}

TEST(DeviceRegistry, UnknownNamesAreRejectedWithTheKnownOnes) {
  try {
    make_device("memristor", {});
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "device: unknown device 'memristor' (known: ideal, pcm, gaussian, rram, custom)");
  }
}

TEST(DeviceRegistry, EachDeviceTakesItsOwnParameters) {
  DeviceParams p;
  p.pcm.g_max = 20;
  p.gaussian.g_max = 30;
  p.table.g_max = 40;
  EXPECT_EQ(make_device("ideal", p)->g_max(), 20);  // the PCM scale
  EXPECT_EQ(make_device("pcm", p)->g_max(), 20);
  EXPECT_EQ(make_device("gaussian", p)->g_max(), 30);
  EXPECT_EQ(make_device("rram", p)->g_max(), 40);
  EXPECT_EQ(make_device("custom", p)->g_max(), 40);
}

TEST(DeviceRegistry, OnlyTheIdealDeviceIsExactAndDrawsNothing) {
  for (std::string_view n : device_names()) {
    const auto m = make_device(n, {});
    const DrawNeeds d = m->needs();
    EXPECT_EQ(m->exact(), n == "ideal") << n;
    EXPECT_EQ(d.prog, n != "ideal") << n;
    EXPECT_EQ(d.read, n != "ideal") << n;
    EXPECT_EQ(d.drift, n == "pcm" || n == "rram" || n == "custom") << n;
  }
}

TEST(IdealDevice, ReadsItsTargetWhateverTheDraws) {
  const auto m = make_device("ideal", {});
  const Conductance c = one(*m, 7.5, {3, -2, 1, 0.5}, 1e6);
  EXPECT_EQ(c.read, 7.5);
  EXPECT_EQ(c.programmed, 7.5);
}

TEST(GaussianDevice, StepsOnHandComputedValues) {
  DeviceParams p;
  p.gaussian.prog_sigma = 2;  // µS
  p.gaussian.read_sigma = 1;
  const auto m = make_device("gaussian", p);
  EXPECT_EQ(m->program(10, 0.5), 11);
  EXPECT_EQ(m->program(1, -1), 0);          // clipped at 0
  EXPECT_EQ(m->drift(10, 11, 1e6, 3), 11);  // no drift
  EXPECT_EQ(m->read_noise(10, 11, 11, 1e6, -1), 10);
  const Conductance c = one(*m, 10, {0.5, 3, -1, 1}, 1e6);
  EXPECT_EQ(c.programmed, 11);
  EXPECT_EQ(c.read, 10);
}

TEST(PcmDevice, StepsOnHandComputedValues) {
  DeviceParams p;  // g_max 25, t0 20
  const auto m = make_device("pcm", p);
  // σ_prog at g = 1: (0.26348 + 1.9650 − 1.1731) = 1.05538 µS.
  EXPECT_NEAR(m->program(25, 1), 25 + 1.05538, 1e-12);
  // At g = 1, μ_ν = 0.049 and σ_ν = 0.008 (both clipped): ν = 0.049 + 0.008 z.
  EXPECT_NEAR(m->drift(25, 20, e_time(20), 0), 20 * std::exp(-0.049), 1e-12);
  EXPECT_NEAR(m->drift(25, 20, e_time(20), 1), 20 * std::exp(-0.057), 1e-12);
  EXPECT_EQ(m->drift(25, 20, 0, 1), 20);           // no time, no drift
  EXPECT_EQ(m->read_noise(25, 20, 18, 0, 0), 18);  // a zero draw adds nothing
  // Q_s = min(0.0088 / 0.8^0.65, 0.2) at G_prog = 20 µS, relative to G(t) = 18,
  // at t = t_inf + t0 with ln((t + t_r) / 2t_r) = 1.
  const double t = 250e-9 * 2 * std::exp(1.0) - 250e-9 - 20;
  EXPECT_NEAR(m->read_noise(25, 20, 18, t, 1), 18 * (1 + 0.0088 / std::pow(0.8, 0.65)), 1e-9);
}

TEST(TableDevice, StepsOnHandComputedValues) {
  DeviceParams p;
  p.table.g = {0.0};
  p.table.prog_sigma = {1.0};
  p.table.nu_mean = {0.1};
  p.table.nu_sigma = {0.0};
  p.table.read_sigma = {0.05};
  const auto m = make_device("custom", p);
  EXPECT_EQ(m->program(10, 2), 12);
  EXPECT_NEAR(m->drift(10, 12, e_time(20), 5), 12 * std::exp(-0.1), 1e-12);
  EXPECT_NEAR(m->read_noise(10, 12, 10, 1.0, 2), 11, 1e-12);
  EXPECT_EQ(m->read_noise(10, 12, 10, 0.0, 2), 10);
}

// What keeps the engine's outputs unchanged: programming through the
// interface gives the bits of the closed forms it replaced.
TEST(DeviceModels, BlocksGiveTheClosedFormsBitForBit) {
  DeviceParams p;
  p.table = rram_default_table();
  p.gaussian.prog_sigma = 0.3;
  p.gaussian.read_sigma = 0.05;
  p.gaussian.relative = true;
  std::vector<double> targets;
  std::vector<DeviceDraws> draws;
  for (int i = 0; i < 400; ++i) {
    targets.push_back(25.0 * (i % 41) / 40.0);
    const StreamKey key{7, 3, 1, uint32_t(i), 0, Purpose::kProgramming, 0};
    draws.push_back(draw_device({true, true, true}, false, key));
  }
  for (double t : {0.0, 3600.0, 86400.0}) {
    for (std::string_view name : {"pcm", "rram", "gaussian"}) {
      const auto m = make_device(name, p);
      std::vector<Conductance> out(targets.size());
      m->conductances(targets, draws, t, out);
      for (std::size_t i = 0; i < targets.size(); ++i) {
        const DeviceDraws& d = draws[i];
        double read = 0, programmed = 0;
        if (name == "pcm") {
          read = pcm_conductance_at(p.pcm, targets[i], t, d.z_prog, d.z_drift, d.z_read);
          programmed = pcm_program(p.pcm, targets[i], d.z_prog);
        } else if (name == "rram") {
          read = table_conductance_at(p.table, targets[i], t, d.z_prog, d.z_drift, d.z_read);
          programmed = table_program(p.table, targets[i], d.z_prog);
        } else {
          programmed = gaussian_program(p.gaussian, targets[i], d.z_prog);
          read = gaussian_read(p.gaussian, programmed, d.z_read);
        }
        ASSERT_EQ(out[i].read, read) << name << " " << i << " t=" << t;
        ASSERT_EQ(out[i].programmed, programmed) << name << " " << i;
      }
    }
  }
}

TEST(DeviceDraws, OnlyTheNeededNormalsEachUnderItsPurpose) {
  const StreamKey key{11, 2, 3, 4, 5, Purpose::kOutputNoise, 6};  // purpose ignored
  auto with = [&](Purpose p) {
    StreamKey k = key;
    k.purpose = p;
    return k;
  };
  const DeviceDraws none = draw_device({}, false, key);
  EXPECT_EQ(none.z_prog, 0);
  EXPECT_EQ(none.z_drift, 0);
  EXPECT_EQ(none.z_read, 0);
  EXPECT_EQ(none.u_fault, 1);
  const DeviceDraws all = draw_device({true, true, true}, true, key);
  EXPECT_EQ(all.z_prog, standard_normal(with(Purpose::kProgramming)));
  EXPECT_EQ(all.z_drift, standard_normal(with(Purpose::kDriftExponent)));
  EXPECT_EQ(all.z_read, standard_normal(with(Purpose::kReadNoise)));
  EXPECT_EQ(all.u_fault, uniform01(with(Purpose::kFaultOccurs)));
  const DeviceDraws gaussian = draw_device({true, false, true}, false, key);
  EXPECT_EQ(gaussian.z_prog, all.z_prog);
  EXPECT_EQ(gaussian.z_drift, 0);
  EXPECT_EQ(gaussian.z_read, all.z_read);
}

// A device with linear drift, defined only here: the base composes its steps.
class LinearDrift final : public DeviceModelBase<LinearDrift> {
 public:
  std::string_view name() const override { return "linear"; }
  double g_max() const override { return 10; }
  DrawNeeds needs() const override { return {true, false, false}; }
  double program(double g, double z) const override { return g + z; }
  double drift(double, double g_prog, double t, double) const override {
    return g_prog * (1 - 0.01 * t);
  }
  double read_noise(double, double, double g_t, double, double) const override { return g_t; }
};

TEST(DeviceModelBase, ComposesADevicesThreeSteps) {
  const LinearDrift m;
  const std::vector<double> g = {4, 6};
  const std::vector<DeviceDraws> d = {{1, 0, 0, 1}, {-2, 0, 0, 1}};
  std::vector<Conductance> out(2);
  m.conductances(g, d, 10, out);
  EXPECT_DOUBLE_EQ(out[0].programmed, 5);
  EXPECT_DOUBLE_EQ(out[0].read, 4.5);
  EXPECT_DOUBLE_EQ(out[1].programmed, 4);
  EXPECT_DOUBLE_EQ(out[1].read, 3.6);
}

}  // namespace
}  // namespace aimc::noise
