package io.histoscale.dataset.tile;

import io.histoscale.core.UserException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The tiling request: its defaults as configuration keys, and keyed errors for bad settings. */
class TileRequestTest {

    @Test
    void defaultsAreConfigurationKeysAndBadValuesNameTheirKey() {
        assertThat(TileRequest.defaults()).containsEntry("mpp", TileRequest.DEFAULT_MPP)
                .containsEntry("size", TileRequest.DEFAULT_SIZE).containsEntry("min_tissue", 0.5)
                .containsEntry("backend", "auto").containsEntry("thumbnails", true)
                .doesNotContainKeys("slides", "out");
        assertThatThrownBy(() -> TileRequest.builder(List.of(Path.of("a.svs")), Path.of("s")).optAssumeMpp(-1.0)
                .build()).isInstanceOf(UserException.class).hasMessageStartingWith("assume_mpp -1.0")
                .satisfies(e -> assertThat(((UserException) e).key()).contains("assume_mpp"));
        assertThatThrownBy(() -> TileRequest.builder(List.of(), Path.of("s")).build())
                .isInstanceOf(UserException.class).hasMessageStartingWith("slides none given");
        assertThatThrownBy(() -> Tiling.opener("bioformats", null)).isInstanceOf(UserException.class)
                .hasMessageStartingWith("backend 'bioformats': use one of [auto, ").hasMessageContaining("tiff");
    }
}
