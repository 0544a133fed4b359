package io.histoscale.cli;

import io.histoscale.core.UserException;
import io.histoscale.slide.Slide;
import io.histoscale.slide.Slides;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The {@code --backend} option shared by commands that open slides: auto, or a registered backend's name. */
final class SlideOpening {
    private SlideOpening() {
    }

    static Slide open(Path path, String backend) {
        String name = backend.toLowerCase(Locale.ROOT);
        if (name.equals("auto")) {
            return Slides.open(path);
        }
        List<String> names = new ArrayList<>(List.of("auto"));
        Slides.providers().forEach(p -> names.add(p.backend().name()));
        if (!names.contains(name)) {
            throw new UserException("unknown --backend '" + backend + "': use "
                    + String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1));
        }
        return Slides.open(path, name);
    }
}
