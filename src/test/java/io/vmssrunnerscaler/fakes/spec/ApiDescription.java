package io.vmssrunnerscaler.fakes.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One published API description (GitHub's OpenAPI 3.0 document, or one of Azure's Swagger 2.0
 * documents) and the checks of an {@link Exchange} against it: the operation exists for that method
 * and path (a Swagger document's {@code basePath} in front); path and query parameters, and header
 * parameters when the exchange recorded the request's headers, are declared, present when required
 * and of their type; the request body is declared and valid; the answer's status is one the
 * operation lists; the answer's body is valid against that status's schema (required fields, types,
 * enums, nullability); declared headers are of their type and GitHub's {@code Link} is well formed;
 * a long-running Azure operation's 201/202 says where to poll. Schemas are checked by networknt's validator (OpenAPI 3.0
 * dialect for GitHub, draft 4 for Swagger, with {@code x-nullable} read as a null type).
 */
public final class ApiDescription {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LINK = Pattern.compile("<[^<>\\s]+>(\\s*;\\s*[a-zA-Z]+=\"[^\"]*\")+");
    private static final Pattern TEMPLATE_PARAM = Pattern.compile("\\{([^}/]+)}");

    /** The two kinds of document: where parameters, bodies and schemas sit differs between them. */
    public enum Kind {
        OPENAPI_3,
        SWAGGER_2
    }

    /**
     * Statuses the document does not list per operation that the API still documents for every
     * operation (GitHub's REST guide: 401, 403, 404, rate limits and server errors), with the schema
     * their body follows.
     */
    public record GeneralErrors(Set<Integer> statuses, String schemaPointer, List<String> requiredFields) {
        public static GeneralErrors none() {
            return new GeneralErrors(Set.of(), null, List.of());
        }
    }

    private record Operation(String method, Pattern pattern, List<String> pathNames, long literals,
            String id, JsonNode node, List<JsonNode> parameters) {
    }

    private final String name;
    private final Kind kind;
    private final String iri;
    private final JsonNode doc;
    private final boolean caseInsensitivePaths;
    private final GeneralErrors generalErrors;
    private final Set<String> pagingParameters;
    private final Set<String> optionalPathParameters;
    private final List<Operation> operations;
    private final SchemaRegistry registry;
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    private ApiDescription(String name, Kind kind, JsonNode doc, boolean caseInsensitivePaths, GeneralErrors generalErrors,
            Set<String> pagingParameters, Set<String> optionalPathParameters) {
        this.optionalPathParameters = optionalPathParameters;
        this.name = name;
        this.kind = kind;
        this.iri = "https://specs.invalid/" + name.replaceAll("[^A-Za-z0-9.-]+", "-") + ".json";
        this.doc = kind == Kind.SWAGGER_2 ? withNullTypes(doc.deepCopy()) : doc;
        this.caseInsensitivePaths = caseInsensitivePaths;
        this.generalErrors = generalErrors;
        this.pagingParameters = pagingParameters;
        this.operations = operations(this.doc, caseInsensitivePaths);
        String text = this.doc.toString();
        this.registry = SchemaRegistry.withDefaultDialect(kind == Kind.OPENAPI_3 ? Dialects.getOpenApi30() : Dialects.getDraft4(),
                b -> b.schemas(location -> location.equals(iri) ? text : null));
    }

    /**
     * Reads a description from a file. {@code caseInsensitivePaths}: Azure Resource Manager matches
     * resource paths without regard to case. {@code pagingParameters}: query parameters a service puts
     * into its own next-page links (ARM's {@code $skiptoken}) that the operation need not declare.
     * {@code optionalPathParameters}: path parameters the document's prose says may be left empty
     * (Key Vault's {@code secret-version}), which its schema cannot say.
     */
    public static ApiDescription read(String name, Kind kind, Path file, boolean caseInsensitivePaths, GeneralErrors generalErrors,
            Set<String> pagingParameters, Set<String> optionalPathParameters) {
        try {
            return new ApiDescription(name, kind, JSON.readTree(Files.readAllBytes(file)), caseInsensitivePaths, generalErrors,
                    pagingParameters, optionalPathParameters);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the API description " + file, e);
        }
    }

    /** What in the exchange the description does not allow; empty when it conforms. */
    public List<String> violations(Exchange e) {
        List<String> out = new ArrayList<>();
        Optional<Operation> found = operation(e.method(), e.path());
        if (found.isEmpty()) {
            out.add("no operation " + e.method() + " " + e.path() + " in " + name);
            return out;
        }
        Operation op = found.get();
        String where = e.describe() + " (" + op.id() + ", " + name + ")";
        checkParameters(op, e, where, out);
        checkRequestBody(op, e, where, out);
        checkResponse(op, e, where, out);
        return out;
    }

    private Optional<Operation> operation(String method, String path) {
        String p = caseInsensitivePaths ? path.toLowerCase(java.util.Locale.ROOT) : path;
        return operations.stream()
                .filter(o -> o.method().equals(method) && o.pattern().matcher(p).matches())
                .max(Comparator.comparingLong(Operation::literals));
    }

    private void checkParameters(Operation op, Exchange e, String where, List<String> out) {
        String p = caseInsensitivePaths ? e.path().toLowerCase(java.util.Locale.ROOT) : e.path();
        Matcher m = op.pattern().matcher(p);
        m.matches();
        for (JsonNode param : op.parameters()) {
            String in = param.path("in").asText();
            String pname = param.path("name").asText();
            if (in.equals("path")) {
                int group = op.pathNames().indexOf(caseInsensitivePaths ? pname.toLowerCase(java.util.Locale.ROOT) : pname);
                if (group >= 0 && m.end(group + 1) > m.start(group + 1)) {
                    String value = java.net.URLDecoder.decode(e.path().substring(m.start(group + 1), m.end(group + 1)),
                            java.nio.charset.StandardCharsets.UTF_8);
                    checkValue(param, value, where + " path parameter " + pname, out);
                }
            } else if (in.equals("query")) {
                List<String> values = e.query().get(pname);
                if (values == null) {
                    if (param.path("required").asBoolean(false)) {
                        out.add(where + ": required query parameter " + pname + " missing");
                    }
                } else {
                    values.forEach(v -> checkValue(param, v, where + " query parameter " + pname, out));
                }
            }
        }
        if (e.requestHeaders() != null) {
            for (JsonNode param : op.parameters()) {
                if (param.path("in").asText().equals("header")) {
                    String pname = param.path("name").asText();
                    String value = e.requestHeader(pname);
                    if (value == null) {
                        if (param.path("required").asBoolean(false)) {
                            out.add(where + ": required header " + pname + " missing");
                        }
                    } else {
                        checkValue(param, value, where + " header " + pname, out);
                    }
                }
            }
        }
        for (String sent : e.query().keySet()) {
            boolean declared = op.parameters().stream()
                    .anyMatch(param -> param.path("in").asText().equals("query") && param.path("name").asText().equals(sent));
            if (!declared && !pagingParameters.contains(sent)) {
                out.add(where + ": query parameter " + sent + " is not in the operation");
            }
        }
    }

    private void checkValue(JsonNode param, String value, String what, List<String> out) {
        JsonNode schema = kind == Kind.OPENAPI_3 ? param.path("schema") : parameterSchema(param);
        if (schema.isMissingNode()) {
            return;
        }
        JsonNode typed = typed(value, resolve(schema).path("type").asText("string"));
        if (typed == null) {
            out.add(what + ": '" + value + "' is not a " + resolve(schema).path("type").asText());
            return;
        }
        errors(schema, typed).forEach(err -> out.add(what + ": " + err));
    }

    private void checkRequestBody(Operation op, Exchange e, String where, List<String> out) {
        JsonNode schema = null;
        boolean required = false;
        if (kind == Kind.OPENAPI_3) {
            JsonNode body = resolve(op.node().path("requestBody"));
            if (!body.isMissingNode()) {
                schema = jsonContent(body).path("schema");
                required = body.path("required").asBoolean(false);
            }
        } else {
            for (JsonNode param : op.parameters()) {
                if (param.path("in").asText().equals("body")) {
                    schema = param.path("schema");
                    required = param.path("required").asBoolean(false);
                }
            }
        }
        if (e.requestBody() == null) {
            if (required) {
                out.add(where + ": the operation requires a request body and none was sent");
            }
            return;
        }
        if (schema == null || schema.isMissingNode()) {
            out.add(where + ": a request body the operation does not take");
            return;
        }
        errors(schema, e.requestBody()).forEach(err -> out.add(where + " request body: " + err));
    }

    private void checkResponse(Operation op, Exchange e, String where, List<String> out) {
        JsonNode responses = op.node().path("responses");
        String status = Integer.toString(e.status());
        JsonNode response = responses.path(status);
        JsonNode generalSchema = null;
        if (response.isMissingNode()) {
            response = responses.path(status.charAt(0) + "XX");
        }
        if (response.isMissingNode() && e.status() >= 400 && responses.has("default")) {
            response = responses.path("default"); // Azure: "default" is the error answer of every status >= 400
        }
        if (response.isMissingNode() && generalErrors.statuses().contains(e.status())) {
            generalSchema = resolve(pointer(generalErrors.schemaPointer()));
        }
        if (response.isMissingNode() && generalSchema == null) {
            List<String> listed = new ArrayList<>();
            responses.fieldNames().forEachRemaining(listed::add);
            out.add(where + ": status " + status + " is not documented for the operation (it lists " + listed + ")");
            return;
        }
        JsonNode schema;
        if (generalSchema != null) {
            schema = generalSchema;
            for (String field : generalErrors.requiredFields()) {
                if (e.responseBody() == null || !e.responseBody().hasNonNull(field)) {
                    out.add(where + ": the error answer lacks " + field);
                }
            }
        } else {
            response = resolve(response);
            schema = kind == Kind.OPENAPI_3 ? jsonContent(response).path("schema") : response.path("schema");
            checkHeaders(response, e, where, out);
        }
        if (schema.isMissingNode()) {
            if (e.responseBody() != null) {
                out.add(where + ": a response body where the operation documents none");
            }
        } else if (e.responseBody() == null) {
            out.add(where + ": no response body; the operation documents one");
        } else {
            errors(schema, e.responseBody()).forEach(err -> out.add(where + " response body: " + err));
        }
        if (kind == Kind.SWAGGER_2 && op.node().path("x-ms-long-running-operation").asBoolean(false)
                && (e.status() == 201 || e.status() == 202)
                && e.responseHeader("azure-asyncoperation") == null && e.responseHeader("location") == null) {
            out.add(where + ": a long-running operation's " + status + " without Azure-AsyncOperation or Location");
        }
    }

    private void checkHeaders(JsonNode response, Exchange e, String where, List<String> out) {
        Iterator<Map.Entry<String, JsonNode>> headers = response.path("headers").fields();
        while (headers.hasNext()) {
            Map.Entry<String, JsonNode> header = headers.next();
            String value = e.responseHeader(header.getKey());
            if (value == null) {
                continue;
            }
            JsonNode declared = resolve(header.getValue());
            JsonNode schema = kind == Kind.OPENAPI_3 ? declared.path("schema") : parameterSchema(declared);
            JsonNode typed = typed(value, resolve(schema).path("type").asText("string"));
            if (typed == null) {
                out.add(where + ": header " + header.getKey() + " '" + value + "' is not a " + resolve(schema).path("type").asText());
            }
            if (header.getKey().equalsIgnoreCase("link")) {
                for (String link : value.split(",\\s*(?=<)")) {
                    if (!LINK.matcher(link.trim()).matches()) {
                        out.add(where + ": Link header part is not '<uri>; rel=\"...\"': " + link);
                    }
                }
            }
        }
    }

    /**
     * The schema of a Swagger 2.0 non-body parameter or header, whose type sits on the parameter itself.
     * An enum marked {@code x-ms-enum: {modelAsString: true}} is Azure's extensible enum: its values
     * are the known ones, not the only ones (IMDS's 2020-09-01 document lists only "2018-10-01" that
     * way for its api-version), so it is not held as a closed list here.
     */
    private static JsonNode parameterSchema(JsonNode param) {
        ObjectNode schema = JsonNodeFactory.instance.objectNode();
        boolean openEnum = param.path("x-ms-enum").path("modelAsString").asBoolean(false);
        for (String keyword : List.of("type", "format", "enum", "minimum", "maximum", "pattern", "items", "minLength", "maxLength")) {
            if (param.has(keyword) && !(openEnum && keyword.equals("enum"))) {
                schema.set(keyword, param.get(keyword));
            }
        }
        return schema;
    }

    private static JsonNode jsonContent(JsonNode withContent) {
        Iterator<Map.Entry<String, JsonNode>> types = withContent.path("content").fields();
        while (types.hasNext()) {
            Map.Entry<String, JsonNode> type = types.next();
            if (type.getKey().contains("json")) {
                return type.getValue();
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    /** A query or path value as the JSON its declared type reads it as, or null when it is not one. */
    private static JsonNode typed(String value, String type) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        try {
            return switch (type) {
                case "integer" -> f.numberNode(Long.parseLong(value));
                case "number" -> f.numberNode(new java.math.BigDecimal(value));
                case "boolean" -> value.equals("true") || value.equals("false") ? f.booleanNode(Boolean.parseBoolean(value)) : null;
                case "array" -> {
                    ArrayNode array = f.arrayNode();
                    for (String part : value.split(",")) {
                        array.add(part);
                    }
                    yield array;
                }
                default -> f.textNode(value);
            };
        } catch (NumberFormatException ex) {
            return null;
        }
    }

    private List<String> errors(JsonNode schemaNode, JsonNode instance) {
        String key = schemaNode.toString();
        Schema schema = schemas.computeIfAbsent(key,
                k -> registry.getSchema(SchemaLocation.of(iri + "#/inline"), intoDocument(schemaNode.deepCopy())));
        List<String> out = new ArrayList<>();
        for (Error error : schema.validate(instance)) {
            out.add(error.toString());
        }
        return out;
    }

    /**
     * A schema taken out of the document, its local references pointed back into the document (the
     * validator resolves {@code #/...} against the schema it is given).
     */
    private JsonNode intoDocument(JsonNode node) {
        if (node instanceof ObjectNode object) {
            JsonNode ref = object.get("$ref");
            if (ref != null && ref.isTextual() && ref.asText().startsWith("#")) {
                object.put("$ref", iri + ref.asText());
            }
            object.forEach(this::intoDocument);
        } else if (node instanceof ArrayNode array) {
            array.forEach(this::intoDocument);
        }
        return node;
    }

    private JsonNode resolve(JsonNode node) {
        JsonNode current = node;
        for (int i = 0; i < 20 && current.has("$ref"); i++) {
            current = pointer(current.get("$ref").asText());
        }
        return current;
    }

    private JsonNode pointer(String ref) {
        if (!ref.startsWith("#")) {
            throw new IllegalArgumentException(name + ": only local references are read: " + ref);
        }
        JsonNode target = doc.at(ref.substring(1));
        if (target.isMissingNode()) {
            throw new IllegalArgumentException(name + ": unresolved reference " + ref);
        }
        return target;
    }

    private List<Operation> operations(JsonNode document, boolean ignoreCase) {
        List<Operation> ops = new ArrayList<>();
        String basePath = kind == Kind.SWAGGER_2 ? document.path("basePath").asText("").replaceAll("/+$", "") : "";
        document.path("paths").fields().forEachRemaining(path -> {
            String template = basePath + path.getKey(); // Swagger 2.0: an operation's URL path is basePath + its path
            List<String> names = new ArrayList<>();
            StringBuilder regex = new StringBuilder("^");
            Matcher m = TEMPLATE_PARAM.matcher(template);
            int last = 0;
            while (m.find()) {
                regex.append(Pattern.quote(norm(template.substring(last, m.start()), ignoreCase)))
                        .append(optionalPathParameters.contains(m.group(1)) ? "([^/]*)" : "([^/]+)");
                names.add(norm(m.group(1), ignoreCase));
                last = m.end();
            }
            regex.append(Pattern.quote(norm(template.substring(last), ignoreCase))).append("/?$");
            long literals = template.chars().filter(c -> c == '/').count() - names.size();
            List<JsonNode> shared = new ArrayList<>();
            path.getValue().path("parameters").forEach(p -> shared.add(resolve(p)));
            path.getValue().fields().forEachRemaining(method -> {
                if (List.of("get", "put", "post", "patch", "delete", "head").contains(method.getKey())) {
                    List<JsonNode> params = new ArrayList<>();
                    method.getValue().path("parameters").forEach(p -> params.add(resolve(p)));
                    for (JsonNode s : shared) {
                        if (params.stream().noneMatch(p -> p.path("name").equals(s.path("name")) && p.path("in").equals(s.path("in")))) {
                            params.add(s);
                        }
                    }
                    ops.add(new Operation(method.getKey().toUpperCase(java.util.Locale.ROOT),
                            Pattern.compile(regex.toString()), names, literals,
                            method.getValue().path("operationId").asText(template), method.getValue(), params));
                }
            });
        });
        return List.copyOf(ops);
    }

    private static String norm(String s, boolean ignoreCase) {
        return ignoreCase ? s.toLowerCase(java.util.Locale.ROOT) : s;
    }

    /** Swagger 2.0's {@code x-nullable: true} as JSON Schema says it: null is one of the types. */
    private static JsonNode withNullTypes(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.path("x-nullable").asBoolean(false) && object.path("type").isTextual()) {
                ArrayNode types = object.arrayNode().add(object.get("type").asText()).add("null");
                object.set("type", types);
            }
            object.forEach(ApiDescription::withNullTypes);
        } else if (node instanceof ArrayNode array) {
            array.forEach(ApiDescription::withNullTypes);
        }
        return node;
    }
}
