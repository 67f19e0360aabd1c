package io.cachelab.config;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.metadata.ConstraintDescriptor;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.core.MethodParameter;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.bind.annotation.CookieValue;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.UnexpectedEndOfInputException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One offending input of a 400 answer, as it goes into the problem detail's {@code errors} array:
 * which field or parameter ({@code field}), where it was ({@code in}: body, query, path, header,
 * cookie), the rule it broke ({@code rule}: {@code Max(100)}, {@code NotBlank}, {@code type long},
 * {@code ISO-8601 instant}, {@code JSON syntax}, {@code required}) and why ({@code message}); a body
 * that is not JSON also gets {@code line} and {@code column}. The value the client sent is never
 * repeated: it may be a login code or a token, and the client has it anyway.
 */
record InvalidInput(String field, String in, String rule, String message, Integer line, Integer column) {
    static final Comparator<InvalidInput> ORDER = Comparator.comparing(InvalidInput::in)
            .thenComparing(i -> Objects.toString(i.field(), "")).thenComparing(InvalidInput::rule);

    InvalidInput(String field, String in, String rule, String message) {
        this(field, in, rule, message, null, null);
    }

    /** The JSON form: absent members left out. */
    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (field != null) m.put("field", field);
        m.put("in", in);
        m.put("rule", rule);
        m.put("message", message);
        if (line != null) m.put("line", line);
        if (column != null) m.put("column", column);
        return m;
    }

    /** {@code field: message} for the problem's {@code detail}. */
    String summary() {
        return (field == null ? "body" : field) + ": " + message;
    }

    // -- bean validation ------------------------------------------------------------------------

    /** The field errors (and object-level errors) of a validated body. */
    static List<InvalidInput> of(List<? extends ObjectError> errors, String in) {
        List<InvalidInput> out = new ArrayList<>();
        for (ObjectError e : errors) {
            String field = e instanceof FieldError f ? f.getField() : null;
            ConstraintViolation<?> v = e.contains(ConstraintViolation.class) ? e.unwrap(ConstraintViolation.class) : null;
            out.add(new InvalidInput(field, in, ruleOf(v, e), e.getDefaultMessage()));
        }
        return out;
    }

    /** One parameter's result of method validation ({@code @Min} on a {@code @RequestParam}, a {@code @Valid} body). */
    static List<InvalidInput> of(ParameterValidationResult result) {
        MethodParameter p = result.getMethodParameter();
        String in = location(p);
        if (result instanceof ParameterErrors errors) return of(errors.getAllErrors(), in);
        String name = name(p);
        if (result.getContainerIndex() != null) name += "[" + result.getContainerIndex() + "]";
        else if (result.getContainerKey() != null) name += "[" + result.getContainerKey() + "]";
        List<InvalidInput> out = new ArrayList<>();
        for (MessageSourceResolvable e : result.getResolvableErrors()) {
            ConstraintViolation<?> v;
            try {
                v = result.unwrap(e, ConstraintViolation.class);
            } catch (IllegalArgumentException notAViolation) {
                v = null;
            }
            out.add(new InvalidInput(name, in, ruleOf(v, e), e.getDefaultMessage()));
        }
        return out;
    }

    /** {@code Max(100)}, {@code Size(max=200)}, {@code Pattern(regexp=\d{6})}, {@code NotBlank}: attributes left at their defaults are omitted. */
    static String ruleOf(ConstraintViolation<?> v, MessageSourceResolvable fallback) {
        if (v == null) {
            String[] codes = fallback.getCodes();
            return codes == null || codes.length == 0 ? "invalid" : codes[codes.length - 1];
        }
        ConstraintDescriptor<?> d = v.getConstraintDescriptor();
        Class<?> type = d.getAnnotation().annotationType();
        Map<String, Object> attrs = new TreeMap<>(d.getAttributes());
        attrs.keySet().removeAll(Set.of("message", "groups", "payload"));
        attrs.entrySet().removeIf(a -> isDefault(type, a.getKey(), a.getValue()));
        if (attrs.isEmpty()) return type.getSimpleName();
        if (attrs.size() == 1 && attrs.containsKey("value")) return type.getSimpleName() + "(" + text(attrs.get("value")) + ")";
        return type.getSimpleName() + attrs.entrySet().stream().map(a -> a.getKey() + "=" + text(a.getValue()))
                .collect(Collectors.joining(", ", "(", ")"));
    }

    private static boolean isDefault(Class<?> annotation, String attribute, Object value) {
        try {
            Object def = annotation.getMethod(attribute).getDefaultValue();
            return def != null && Objects.deepEquals(def, value);
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static String text(Object value) {
        return value instanceof Object[] a ? Arrays.toString(a) : String.valueOf(value);
    }

    // -- request parameters ---------------------------------------------------------------------

    /** A parameter that could not be converted to its type ({@code page=abc}). */
    static InvalidInput typeMismatch(String name, String in, Class<?> type) {
        return new InvalidInput(name, in, typeRule(type), "is not " + expectation(type));
    }

    static InvalidInput missing(String name, String in) {
        return new InvalidInput(name, in, "required", "is missing");
    }

    static String location(MethodParameter p) {
        if (p.hasParameterAnnotation(RequestBody.class)) return "body";
        if (p.hasParameterAnnotation(PathVariable.class)) return "path";
        if (p.hasParameterAnnotation(RequestHeader.class)) return "header";
        if (p.hasParameterAnnotation(CookieValue.class)) return "cookie";
        return "query";
    }

    /** The name the client uses: the annotation's when it gives one, else the Java parameter's. */
    static String name(MethodParameter p) {
        String declared = "";
        RequestParam rp = p.getParameterAnnotation(RequestParam.class);
        PathVariable pv = p.getParameterAnnotation(PathVariable.class);
        RequestHeader rh = p.getParameterAnnotation(RequestHeader.class);
        if (rp != null) declared = rp.name();
        else if (pv != null) declared = pv.name();
        else if (rh != null) declared = rh.name();
        return declared.isEmpty() ? String.valueOf(p.getParameterName()) : declared;
    }

    // -- unreadable bodies ----------------------------------------------------------------------

    /**
     * A JSON body Jackson could not read: a value of the wrong type names its field (by its path,
     * {@code items[2].id}); broken JSON gives line and column. Jackson's own message is not used: it
     * quotes the offending text.
     */
    static InvalidInput unreadable(JacksonException e) {
        String field = path(e);
        if (e instanceof UnrecognizedPropertyException) {
            return new InvalidInput(field, "body", "known field", "is not a field of this body");
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            return new InvalidInput(field, "body", typeRule(m.getTargetType()), "is not " + expectation(m.getTargetType()));
        }
        if (e instanceof InputCoercionException c && c.getTargetType() != null) {
            return new InvalidInput(field, "body", "type " + c.getTargetType().getSimpleName(),
                    "is out of range for " + c.getTargetType().getSimpleName());
        }
        TokenStreamLocation at = e.getLocation();
        Integer line = at == null || at.getLineNr() < 0 ? null : at.getLineNr();
        Integer column = at == null || at.getColumnNr() < 0 ? null : at.getColumnNr();
        String where = line == null ? "" : " at line " + line + ", column " + column;
        String what = e instanceof UnexpectedEndOfInputException ? "ends before the JSON is complete" : "is not valid JSON";
        return new InvalidInput(field, "body", "JSON syntax", what + where, line, column);
    }

    private static String path(JacksonException e) {
        StringBuilder b = new StringBuilder();
        for (JacksonException.Reference r : e.getPath()) {
            if (r.getPropertyName() != null) {
                if (!b.isEmpty()) b.append('.');
                b.append(r.getPropertyName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.isEmpty() ? null : b.toString();
    }

    private static String typeRule(Class<?> type) {
        if (type == YearMonth.class) return "ISO-8601 month";
        return type == Instant.class ? "ISO-8601 instant" : "type " + type.getSimpleName();
    }

    private static String expectation(Class<?> type) {
        if (type == Instant.class) return "an ISO-8601 instant (e.g. 2026-01-01T00:00:00Z)";
        if (type == YearMonth.class) return "a month as yyyy-MM (e.g. 2026-12)";
        if (Set.of(long.class, int.class, short.class, byte.class, Long.class, Integer.class, Short.class, Byte.class,
                BigInteger.class).contains(type)) return "a whole number";
        if (Set.of(double.class, float.class, Double.class, Float.class, BigDecimal.class).contains(type)) return "a number";
        if (type == boolean.class || type == Boolean.class) return "true or false";
        if (type == String.class) return "a string";
        if (type.isEnum()) return "one of " + Arrays.toString(type.getEnumConstants());
        if (type.isArray() || Collection.class.isAssignableFrom(type)) return "an array";
        if (type.isRecord() || Map.class.isAssignableFrom(type)) return "a JSON object";
        return "a valid " + type.getSimpleName();
    }
}
