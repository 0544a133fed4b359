package io.histoscale.slide;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static io.histoscale.slide.SlideTestData.*;
import static org.assertj.core.api.Assertions.assertThat;

class SlideInfoTest {

    @ParameterizedTest
    @ValueSource(strings = {"openslide", "tiff"})
    void describesCmu1(String backend) throws Exception {
        if (backend.equals("openslide")) {
            assumeOpenSlide();
        }
        Path file = sharedSlide(CMU_1);
        try (Slide slide = Slides.open(file, backend)) {
            SlideInfo info = SlideInfo.of(slide);
            assertThat(info.levels()).containsExactly(new Level(2220, 2967, 1.0));
            assertThat(info.mppX()).isEqualTo(0.499);
            assertThat(info.mppY()).isEqualTo(0.499);
            assertThat(info.objectivePower()).isEqualTo(20.0);
            assertThat(info.format()).isEqualTo("aperio");
            assertThat(info.vendor()).isEqualTo("aperio");
            assertThat(info.backend().name()).isEqualTo(backend);
            assertThat(info.associatedImages()).containsExactlyInAnyOrder("thumbnail", "label", "macro");

            JsonNode json = new ObjectMapper().readTree(info.toJson());
            assertThat(json.get("path").asText()).isEqualTo(file.toString());
            assertThat(json.get("levels").get(0).get("width").asLong()).isEqualTo(2220);
            assertThat(json.get("levels").get(0).get("height").asLong()).isEqualTo(2967);
            assertThat(json.get("mppX").asDouble()).isEqualTo(0.499);
            assertThat(json.get("backend").asText()).isEqualTo(backend);
            assertThat(json.get("associatedImages")).hasSize(3);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openslide", "tiff"})
    void unknownNumbersAreNull(String backend) throws Exception {
        if (backend.equals("openslide")) {
            assumeOpenSlide();
        }
        try (Slide slide = Slides.open(sharedSlide(BOXES), backend)) {
            JsonNode json = new ObjectMapper().readTree(SlideInfo.of(slide).toJson());
            assertThat(json.get("objectivePower").isNull()).isTrue();
            assertThat(json.get("levels")).hasSize(4);
            assertThat(json.get("levels").get(2).get("downsample").asDouble()).isEqualTo(4.016129032258064);
        }
    }
}
