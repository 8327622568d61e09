package org.securemail.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {
    @Test
    void stats_fiveValues_quartilesAreTheSecondAndFourth() {
        Stats s = Stats.of(new double[] {5, 1, 4, 2, 3});

        assertThat(s.n()).isEqualTo(5);
        assertThat(s.min()).isEqualTo(1);
        assertThat(s.q1()).isEqualTo(2);
        assertThat(s.median()).isEqualTo(3);
        assertThat(s.q3()).isEqualTo(4);
        assertThat(s.max()).isEqualTo(5);
    }

    @Test
    void stats_evenCount_interpolatesBetweenClosestRanks() {
        Stats s = Stats.of(new double[] {10, 20, 30, 40});

        assertThat(s.median()).isEqualTo(25);
        assertThat(s.q1()).isCloseTo(17.5, within(1e-9));
        assertThat(s.q3()).isCloseTo(32.5, within(1e-9));
    }

    @Test
    void stats_noValues_isEmptyAndPrintsAsDash() {
        Stats s = Stats.of(List.of());

        assertThat(s.isEmpty()).isTrue();
        assertThat(Ratios.describe(s)).isEqualTo("–");
    }

    @Test
    void ratios_perRound_pairRoundsInOrder() {
        List<Sample> a = List.of(sample(100), sample(300));
        List<Sample> b = List.of(sample(50), sample(100));

        Stats r = Ratios.time(a, b);

        assertThat(r.n()).isEqualTo(2);
        assertThat(r.min()).isEqualTo(2);
        assertThat(r.max()).isEqualTo(3);
    }

    private static Sample sample(long micros) {
        return new Sample(1, micros * 1000, -1, -1, -1, -1, -1, -1);
    }
}
