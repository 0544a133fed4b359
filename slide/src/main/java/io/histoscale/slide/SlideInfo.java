package io.histoscale.slide;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.histoscale.core.Json;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * What {@code histoscale info} tells about a slide.
 *
 * @param format           OpenSlide's name for the format ("aperio", "generic-tiff", ...)
 * @param backend          the reader that opened it ("openslide", "tiff", ...; JSON has the name)
 * @param mppX             micrometres per level-0 pixel, or null when the file does not say
 * @param objectivePower   scanner objective magnification, or null when the file does not say
 * @param vendor           the {@code openslide.vendor} property, or null
 * @param associatedImages names of the associated images ("thumbnail", "label", "macro")
 */
public record SlideInfo(@JsonSerialize(using = ToStringSerializer.class) Path path, String format,
                        @JsonSerialize(using = ToStringSerializer.class) SlideBackend backend,
                        List<Level> levels, Double mppX, Double mppY, Double objectivePower, String vendor,
                        List<String> associatedImages) {


    public SlideInfo {
        levels = List.copyOf(levels);
        associatedImages = List.copyOf(associatedImages);
    }

    public static SlideInfo of(Slide slide) {
        List<Level> levels = new ArrayList<>();
        for (int level = 0; level < slide.levelCount(); level++) {
            levels.add(new Level(slide.width(level), slide.height(level), slide.downsample(level)));
        }
        return new SlideInfo(slide.path(), slide.format(), slide.backend(), levels, orNull(slide.mppX()),
                orNull(slide.mppY()), orNull(slide.objectivePower()), slide.properties().get("openslide.vendor"),
                List.copyOf(slide.associatedImageNames()));
    }

    /** Level-0 width in pixels (also in {@link #levels()}; on top for people and scripts). */
    @JsonProperty("width")
    public long width() {
        return levels.get(0).width();
    }

    @JsonProperty("height")
    public long height() {
        return levels.get(0).height();
    }

    /** Mean micrometres per level-0 pixel, or null when the file does not say. */
    @JsonProperty("mpp")
    public Double mpp() {
        if (mppX == null || mppY == null) return mppX;
        return (mppX + mppY) / 2;
    }

    /** Indented JSON of several slides, as an array. */
    public static String toJson(List<SlideInfo> infos) {
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(infos);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("SlideInfo is always serialisable", e);
        }
    }

    /** Indented JSON, field names as in this record plus width, height and mpp. */
    public String toJson() {
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("SlideInfo is always serialisable", e);
        }
    }

    private static Double orNull(OptionalDouble value) {
        return value.isPresent() ? value.getAsDouble() : null;
    }
}
