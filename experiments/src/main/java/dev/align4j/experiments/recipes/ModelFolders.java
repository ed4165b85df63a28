package dev.align4j.experiments.recipes;

import dev.align4j.core.AtomicFiles;
import dev.align4j.policies.llama.LlamaModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** Writes trained models as self-contained HF folders: weights, {@code config.json} and the tokenizer files. */
public final class ModelFolders {
  private static final List<String> TOKENIZER_FILES =
      List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json");

  private ModelFolders() {}

  /**
   * Saves {@code model} to {@code target} with the tokenizer files of {@code source}, atomically
   * ({@link AtomicFiles#writeFolder}: a failure leaves no partial folder and names the OS cause).
   */
  public static Path save(LlamaModel model, Path source, Path target) {
    return AtomicFiles.writeFolder(target, tmp -> {
      model.save(tmp);
      copyTokenizer(source, tmp);
    });
  }

  /** Copies the tokenizer files that exist in {@code source} into {@code target}. */
  public static void copyTokenizer(Path source, Path target) throws IOException {
    for (String f : TOKENIZER_FILES) {
      if (Files.isRegularFile(source.resolve(f))) {
        Files.copy(source.resolve(f), target.resolve(f), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }
}
