package io.histoscale.slide.annotation;

/** Annotation file formats {@link AnnotationReader} understands; it tells them apart by content. */
public enum AnnotationFormat {
    /** ASAP XML, as the Camelyon16/17 lesion annotations are distributed. */
    ASAP_XML,
    /** Aperio ImageScope XML. */
    APERIO_XML,
    /** GeoJSON as QuPath exports it (a FeatureCollection, a Feature, or an array of Features). */
    GEOJSON,
    /** The JSON of NCRF's Camelyon16 conversion: {@code {"positive": [...], "negative": [...]}}. */
    NCRF_JSON
}
