package org.securemail.examples.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Java snippets of docs/recipes.md, docs/errors.md and docs/relaying-to-mx.md are the compiled code they quote:
 * each shows its imports and follows a link to its source file, and every line of it, imports included, is a line of
 * that file.
 */
class RecipeDocsTest {
    private static final Pattern BLOCK = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL);
    private static final Pattern SOURCE_LINK = Pattern.compile("\\]\\((\\.\\./examples/src/main/java/[^)]+\\.java)\\)");

    @ParameterizedTest
    @ValueSource(strings = {"recipes.md", "errors.md", "relaying-to-mx.md"})
    void everySnippet_showsItsImports_andIsItsSourceVerbatim(String page) throws Exception {
        Path docs = DocFiles.docs();
        String text = Files.readString(docs.resolve(page), StandardCharsets.UTF_8);
        Matcher block = BLOCK.matcher(text);
        int snippets = 0;
        List<String> problems = new ArrayList<>();
        while (block.find()) {
            snippets++;
            int line = text.substring(0, block.start()).split("\n", -1).length;
            Matcher link = SOURCE_LINK.matcher(text.substring(0, block.start()));
            String source = null;
            while (link.find()) {
                source = link.group(1);
            }
            if (source == null) {
                problems.add(page + ":" + line + " follows no link to its source in examples/");
                continue;
            }
            Set<String> sourceLines = Files.readAllLines(docs.resolve(source).normalize(), StandardCharsets.UTF_8)
                    .stream().map(String::trim).collect(Collectors.toSet());
            List<String> lines = block.group(1).lines().map(String::trim).filter(l -> !l.isEmpty())
                    .collect(Collectors.toList());
            if (lines.stream().noneMatch(l -> l.startsWith("import "))) {
                problems.add(page + ":" + line + " shows no imports");
            }
            for (String l : lines) {
                if (!sourceLines.contains(l)) {
                    problems.add(page + ":" + line + " is not in " + source + ": " + l);
                }
            }
        }
        assertThat(snippets).as("snippets on " + page).isPositive();
        assertThat(problems).isEmpty();
    }
}
