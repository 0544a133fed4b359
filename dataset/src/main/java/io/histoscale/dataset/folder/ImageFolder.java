package io.histoscale.dataset.folder;

import io.histoscale.core.UserException;
import io.histoscale.dataset.PatchInfo;
import io.histoscale.dataset.PatchSource;
import io.histoscale.dataset.Pixels;
import io.histoscale.dataset.SlideEntry;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.ref.SoftReference;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A folder of labelled images, one sub-folder per class (class names are the sorted sub-folder names), read as
 * square RGB patches.
 *
 * <p>Images are decoded when first read and kept while memory allows (soft references): meant for small folders;
 * import large ones into a {@link io.histoscale.dataset.store.PatchStore}. Images of another size keep their pixel
 * scale: larger ones are centre-cropped to {@code size × size}; smaller ones are scaled up (bilinear) until the shorter
 * side fits, then centre-cropped. Transparency is composited over white.
 *
 * <p>The slide of an image comes from the {@code source_slide} column (file extension dropped) of an optional
 * {@code labels.csv} beside the class folders, else from a file name {@code <slide>_<x>_<y>.<ext>}, else it is the
 * file name itself. The table may also give {@code patient}, {@code centre} and {@code x_level0}/{@code y_level0};
 * its rows are found by the {@code file} column, the image's path relative to the folder. The patient is the slide
 * unless the table says otherwise.
 */
public final class ImageFolder implements PatchSource {
    private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "tif", "tiff");
    private static final Pattern SLIDE_X_Y = Pattern.compile("(.+)_(\\d+)_(\\d+)");

    private record Image(Path file, int label, int slide, long x, long y) {
    }

    private final Path dir;
    private final int size;
    private final List<String> labelNames;
    private final List<SlideEntry> slides;
    private final List<Image> images;
    private final AtomicReferenceArray<SoftReference<byte[]>> decoded;

    private ImageFolder(Path dir, int size, List<String> labelNames, List<SlideEntry> slides, List<Image> images) {
        this.dir = dir;
        this.size = size;
        this.labelNames = labelNames;
        this.slides = slides;
        this.images = images;
        this.decoded = new AtomicReferenceArray<>(images.size());
    }

    /** Lists the images under {@code dir}; they are decoded when read, as {@code size × size} RGB patches. */
    public static ImageFolder open(Path dir, int size) {
        if (size <= 0) throw new UserException("The patch size must be positive, not " + size + ".");
        if (!Files.isDirectory(dir)) throw new UserException("Image folder " + dir + " does not exist or is not a directory.");
        List<Path> classDirs = list(dir).stream().filter(Files::isDirectory)
                .filter(d -> !d.getFileName().toString().startsWith(".")).sorted().toList();
        if (classDirs.isEmpty()) {
            throw new UserException("Image folder " + dir + " has no sub-folders; put the images of each class in a "
                    + "sub-folder named after the class.");
        }
        LabelsTable table = LabelsTable.read(dir);
        List<String> labelNames = classDirs.stream().map(d -> d.getFileName().toString()).toList();
        record Found(Path file, int label, String slide, String patient, String centre, long x, long y) {
        }
        List<Found> found = new ArrayList<>();
        for (int label = 0; label < classDirs.size(); label++) {
            List<Path> files = list(classDirs.get(label)).stream().filter(ImageFolder::isImage).sorted().toList();
            if (files.isEmpty()) {
                throw new UserException("Class folder " + classDirs.get(label) + " has no PNG, JPEG or TIFF images.");
            }
            for (Path file : files) {
                String stem = file.getFileName().toString().replaceFirst("\\.[^.]+$", "");
                Matcher m = SLIDE_X_Y.matcher(stem);
                boolean named = m.matches();
                LabelsTable.Row row = table.row(labelNames.get(label) + "/" + file.getFileName())
                        .orElse(new LabelsTable.Row(null, null, null, null, null));
                String slide = row.slide() != null ? row.slide() : named ? m.group(1) : stem;
                long x = row.x() != null ? row.x() : named ? Long.parseLong(m.group(2)) : -1;
                long y = row.y() != null ? row.y() : named ? Long.parseLong(m.group(3)) : -1;
                found.add(new Found(file, label, slide, row.patient(), row.centre(), x, y));
            }
        }
        Map<String, SlideEntry> bySlide = new TreeMap<>();
        for (Found f : found) {
            SlideEntry entry = new SlideEntry(f.slide(), f.patient(), f.centre(), Double.NaN);
            SlideEntry seen = bySlide.putIfAbsent(f.slide(), entry);
            if (seen != null && !seen.equals(entry)) {
                throw new UserException(dir.resolve(LabelsTable.FILE) + " gives slide " + f.slide()
                        + " two different patients or centres; one slide belongs to one patient and centre.");
            }
        }
        List<SlideEntry> slides = List.copyOf(bySlide.values());
        Map<String, Integer> slideIndex = new HashMap<>();
        for (SlideEntry s : slides) slideIndex.put(s.name(), slideIndex.size());
        List<Image> images = found.stream()
                .map(f -> new Image(f.file(), f.label(), slideIndex.get(f.slide()), f.x(), f.y())).toList();
        return new ImageFolder(dir, size, labelNames, slides, images);
    }

    /**
     * The shorter side of the first image (in name order) in the class sub-folders of {@code dir}: the patch size a
     * folder is read at when none is given; empty when there is no image.
     *
     * @throws UserException when that image cannot be read (a truncated or damaged file)
     */
    public static OptionalInt firstImageSide(Path dir) {
        if (!Files.isDirectory(dir)) return OptionalInt.empty();
        for (Path classDir : list(dir).stream().filter(Files::isDirectory)
                .filter(d -> !d.getFileName().toString().startsWith(".")).sorted().toList()) {
            Optional<Path> first = list(classDir).stream().filter(ImageFolder::isImage).sorted().findFirst();
            if (first.isPresent()) {
                BufferedImage image = decode(first.get());
                return OptionalInt.of(Math.min(image.getWidth(), image.getHeight()));
            }
        }
        return OptionalInt.empty();
    }

    public Path directory() {
        return dir;
    }

    /** The image file of patch {@code i}. */
    public Path file(long i) {
        return images.get(index(i)).file();
    }

    @Override
    public long size() {
        return images.size();
    }

    @Override
    public int width() {
        return size;
    }

    @Override
    public int height() {
        return size;
    }

    @Override
    public int channels() {
        return 3;
    }

    @Override
    public List<String> labelNames() {
        return labelNames;
    }

    @Override
    public int label(long i) {
        return images.get(index(i)).label();
    }

    @Override
    public List<SlideEntry> slides() {
        return slides;
    }

    @Override
    public int slideIndex(long i) {
        return images.get(index(i)).slide();
    }

    @Override
    public PatchInfo info(long i) {
        Image image = images.get(index(i));
        SlideEntry slide = slides.get(image.slide());
        return new PatchInfo(slide.name(), slide.patient(), slide.centre(), -1, image.x(), image.y(), Double.NaN,
                image.label(), Float.NaN);
    }

    @Override
    public void read(long i, ByteBuffer dst) {
        dst.put(pixels(index(i)));
    }

    @Override
    public String toString() {
        return "ImageFolder[" + dir + ", " + images.size() + " images, classes " + labelNames + "]";
    }

    private byte[] pixels(int i) {
        SoftReference<byte[]> cached = decoded.get(i);
        byte[] pixels = cached == null ? null : cached.get();
        if (pixels == null) {
            pixels = Pixels.rgb(fit(decode(images.get(i).file()), size));
            decoded.set(i, new SoftReference<>(pixels));
        }
        return pixels;
    }

    private static BufferedImage decode(Path file) {
        try {
            BufferedImage image = ImageIO.read(file.toFile());
            if (image == null) throw new UserException("Cannot decode image " + file + ": no reader for this format. "
                    + "Convert it to PNG, JPEG or TIFF.");
            return image;
        } catch (IOException e) {
            throw new UserException("Cannot read image " + file + " (" + e.getMessage() + "). Replace or remove the file.", e);
        }
    }

    /** Centre-crops to {@code size × size}, first scaling up images whose shorter side is smaller. */
    static BufferedImage fit(BufferedImage image, int size) {
        int w = image.getWidth(), h = image.getHeight();
        if (w == size && h == size && image.getType() == BufferedImage.TYPE_3BYTE_BGR) return image;
        double scale = Math.max(1.0, (double) size / Math.min(w, h));
        AffineTransform transform = new AffineTransform();
        transform.translate(Math.floor((size - w * scale) / 2), Math.floor((size - h * scale) / 2));
        transform.scale(scale, scale);
        BufferedImage fitted = new BufferedImage(size, size, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = fitted.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, size, size);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, transform, null);
        g.dispose();
        return fitted;
    }

    private static boolean isImage(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return Files.isRegularFile(file) && !name.startsWith(".") && dot > 0
                && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> paths = Files.list(dir)) {
            return paths.toList();
        } catch (IOException e) {
            throw new UserException("Cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private int index(long i) {
        if (i < 0 || i >= images.size()) throw new IndexOutOfBoundsException("Image " + i + " of " + images.size());
        return (int) i;
    }
}
