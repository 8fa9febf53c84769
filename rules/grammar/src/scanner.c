// External scanner for the dflint Dockerfile grammar.
//
// It owns the parts of a Dockerfile that a context-free lexer cannot read:
// the escape character chosen by `# escape=`, line continuations (and the
// comment and blank lines that BuildKit drops inside them), heredoc bodies,
// instruction keywords in any case, line ends (including end of file), and
// whether a bracketed argument is a valid JSON string array (exec form).

#include "tree_sitter/parser.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum TokenType {
  EOL,
  LINE_CONTINUATION,
  PARSER_DIRECTIVE,
  EXEC_FORM_START,
  HEREDOC_MARKER,
  HEREDOC_BODY,
  HEREDOC_END,
  KW_FROM,
  KW_RUN,
  KW_CMD,
  KW_LABEL,
  KW_MAINTAINER,
  KW_EXPOSE,
  KW_ENV,
  KW_ADD,
  KW_COPY,
  KW_ENTRYPOINT,
  KW_VOLUME,
  KW_USER,
  KW_WORKDIR,
  KW_ARG,
  KW_ONBUILD,
  KW_STOPSIGNAL,
  KW_HEALTHCHECK,
  KW_SHELL,
  KW_UNKNOWN,
  DQ_OPEN,
  DQ_OPEN_IMM,
  FROM_EXTRA_WORD,
  ERROR_SENTINEL,
};

static const char *const KEYWORDS[] = {
    "from",   "run",        "cmd",    "label",   "maintainer", "expose",
    "env",    "add",        "copy",   "entrypoint", "volume",  "user",
    "workdir", "arg",       "onbuild", "stopsignal", "healthcheck", "shell",
};
#define KEYWORD_COUNT 18

#define MAX_HEREDOCS 8
#define MAX_NAME 96

typedef struct {
  uint8_t strip_tabs;
  uint8_t len;
  char name[MAX_NAME];
} Heredoc;

typedef struct {
  int32_t escape;
  uint8_t count;
  Heredoc pending[MAX_HEREDOCS];
} Scanner;

static inline void advance(TSLexer *lexer) { lexer->advance(lexer, false); }
static inline void skip(TSLexer *lexer) { lexer->advance(lexer, true); }
static inline bool is_blank(int32_t c) { return c == ' ' || c == '\t' || c == '\f' || c == '\v'; }
static inline bool is_newline(int32_t c) { return c == '\n' || c == '\r'; }
static inline bool is_space(int32_t c) { return is_blank(c) || is_newline(c); }
static inline int32_t lower(int32_t c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }
static inline bool is_alpha(int32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static inline bool is_digit(int32_t c) { return c >= '0' && c <= '9'; }

void *tree_sitter_dockerfile_external_scanner_create(void) {
  Scanner *s = calloc(1, sizeof(Scanner));
  s->escape = '\\';
  return s;
}

void tree_sitter_dockerfile_external_scanner_destroy(void *payload) { free(payload); }

unsigned tree_sitter_dockerfile_external_scanner_serialize(void *payload, char *buffer) {
  Scanner *s = payload;
  unsigned n = 0;
  buffer[n++] = (char)(s->escape == '`' ? '`' : '\\');
  buffer[n++] = (char)s->count;
  for (unsigned i = 0; i < s->count; i++) {
    Heredoc *h = &s->pending[i];
    if (n + 2 + h->len > TREE_SITTER_SERIALIZATION_BUFFER_SIZE) break;
    buffer[n++] = (char)h->strip_tabs;
    buffer[n++] = (char)h->len;
    memcpy(buffer + n, h->name, h->len);
    n += h->len;
  }
  return n;
}

void tree_sitter_dockerfile_external_scanner_deserialize(void *payload, const char *buffer, unsigned length) {
  Scanner *s = payload;
  s->escape = '\\';
  s->count = 0;
  if (length < 2) return;
  unsigned n = 0;
  s->escape = buffer[n++] == '`' ? '`' : '\\';
  uint8_t count = (uint8_t)buffer[n++];
  for (unsigned i = 0; i < count && i < MAX_HEREDOCS && n + 2 <= length; i++) {
    Heredoc *h = &s->pending[i];
    h->strip_tabs = (uint8_t)buffer[n++];
    h->len = (uint8_t)buffer[n++];
    if (h->len > MAX_NAME || n + h->len > length) break;
    memcpy(h->name, buffer + n, h->len);
    n += h->len;
    s->count = (uint8_t)(i + 1);
  }
}

// Consumes the rest of the current line including its line break.
static void consume_line(TSLexer *lexer) {
  while (!lexer->eof(lexer) && lexer->lookahead != '\n') advance(lexer);
  if (lexer->lookahead == '\n') advance(lexer);
}

// An escape character followed by blanks and a line end, plus every comment
// or blank line after it: BuildKit joins the lines around it.
static bool scan_continuation(Scanner *s, TSLexer *lexer) {
  if (lexer->lookahead != s->escape) return false;
  advance(lexer);
  while (is_blank(lexer->lookahead)) advance(lexer);
  while (lexer->lookahead == '\r') advance(lexer);
  if (lexer->lookahead == '\n') {
    advance(lexer);
  } else if (!lexer->eof(lexer)) {
    return false;
  }
  lexer->mark_end(lexer);
  for (;;) {
    while (is_blank(lexer->lookahead)) advance(lexer);
    if (lexer->eof(lexer)) {
      lexer->mark_end(lexer);
      break;
    }
    if (lexer->lookahead == '#' || is_newline(lexer->lookahead)) {
      consume_line(lexer);
      lexer->mark_end(lexer);
      continue;
    }
    break;
  }
  lexer->result_symbol = LINE_CONTINUATION;
  return true;
}

static bool scan_eol(TSLexer *lexer, bool at_eof_ok) {
  while (lexer->lookahead == '\r') advance(lexer);
  if (lexer->lookahead == '\n') {
    advance(lexer);
    lexer->result_symbol = EOL;
    return true;
  }
  if (lexer->eof(lexer) && at_eof_ok) {
    lexer->result_symbol = EOL;
    return true;
  }
  return false;
}

// `# key=value` at the top of the file, for the directives BuildKit knows.
static bool scan_directive(Scanner *s, TSLexer *lexer) {
  if (lexer->lookahead != '#') return false;
  advance(lexer);
  while (is_blank(lexer->lookahead)) advance(lexer);
  char key[16];
  unsigned klen = 0;
  if (!is_alpha(lexer->lookahead)) return false;
  while (is_alpha(lexer->lookahead) || is_digit(lexer->lookahead)) {
    if (klen < sizeof key - 1) key[klen] = (char)lower(lexer->lookahead);
    klen++;
    advance(lexer);
  }
  if (klen >= sizeof key) return false;
  key[klen] = 0;
  if (strcmp(key, "escape") != 0 && strcmp(key, "syntax") != 0 && strcmp(key, "check") != 0) return false;
  while (is_blank(lexer->lookahead)) advance(lexer);
  if (lexer->lookahead != '=') return false;
  advance(lexer);
  while (is_blank(lexer->lookahead)) advance(lexer);
  int32_t first = 0;
  unsigned vlen = 0;
  while (!lexer->eof(lexer) && !is_newline(lexer->lookahead)) {
    if (!is_blank(lexer->lookahead)) {
      if (vlen == 0) first = lexer->lookahead;
      vlen++;
      advance(lexer);
      lexer->mark_end(lexer);
    } else {
      advance(lexer);
    }
  }
  if (vlen == 0) return false;
  if (strcmp(key, "escape") == 0 && vlen == 1 && (first == '\\' || first == '`')) {
    s->escape = first;
  }
  lexer->result_symbol = PARSER_DIRECTIVE;
  return true;
}

// The first word of an instruction, compared without regard to case.
static bool scan_keyword(TSLexer *lexer) {
  if (lexer->eof(lexer) || is_space(lexer->lookahead) || lexer->lookahead == '#' || lexer->lookahead == 0xFEFF) {
    return false;
  }
  char word[16];
  unsigned len = 0;
  while (!lexer->eof(lexer) && !is_space(lexer->lookahead)) {
    if (len < sizeof word - 1) word[len] = (char)lower(lexer->lookahead);
    len++;
    advance(lexer);
  }
  lexer->result_symbol = KW_UNKNOWN;
  if (len < sizeof word) {
    word[len] = 0;
    for (int i = 0; i < KEYWORD_COUNT; i++) {
      if (strcmp(word, KEYWORDS[i]) == 0) {
        lexer->result_symbol = KW_FROM + i;
        break;
      }
    }
  }
  return true;
}

// Skips blanks and continuations inside a look-ahead (never part of a token).
static void skip_json_space(Scanner *s, TSLexer *lexer) {
  for (;;) {
    while (is_blank(lexer->lookahead)) advance(lexer);
    if (lexer->lookahead != s->escape) return;
    // An escape here is only valid JSON if it is a continuation.
    advance(lexer);
    while (is_blank(lexer->lookahead)) advance(lexer);
    while (lexer->lookahead == '\r') advance(lexer);
    if (lexer->lookahead != '\n') {
      return;
    }
    advance(lexer);
    for (;;) {
      while (is_blank(lexer->lookahead)) advance(lexer);
      if (lexer->lookahead == '#' || is_newline(lexer->lookahead)) {
        consume_line(lexer);
        continue;
      }
      break;
    }
  }
}

static bool is_hex(int32_t c) { return is_digit(c) || (lower(c) >= 'a' && lower(c) <= 'f'); }

// Looks ahead over `[ "a", "b" ]`: exec form is used only for a valid JSON
// array of strings, as BuildKit decides it. Only the `[` becomes the token.
static bool scan_exec_form_start(Scanner *s, TSLexer *lexer) {
  if (lexer->lookahead != '[') return false;
  advance(lexer);
  lexer->mark_end(lexer);
  skip_json_space(s, lexer);
  if (lexer->lookahead == ']') {
    lexer->result_symbol = EXEC_FORM_START;
    return true;
  }
  for (;;) {
    if (lexer->lookahead != '"') return false;
    advance(lexer);
    for (;;) {
      if (lexer->eof(lexer) || is_newline(lexer->lookahead)) return false;
      int32_t c = lexer->lookahead;
      if (c == '"') {
        advance(lexer);
        break;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        advance(lexer);
        int32_t e = lexer->lookahead;
        if (e == 'u') {
          advance(lexer);
          for (int i = 0; i < 4; i++) {
            if (!is_hex(lexer->lookahead)) return false;
            advance(lexer);
          }
          continue;
        }
        if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
          advance(lexer);
          continue;
        }
        return false;
      }
      advance(lexer);
    }
    skip_json_space(s, lexer);
    if (lexer->lookahead == ',') {
      advance(lexer);
      skip_json_space(s, lexer);
      continue;
    }
    if (lexer->lookahead == ']') {
      lexer->result_symbol = EXEC_FORM_START;
      return true;
    }
    return false;
  }
}

// `<<EOF`, `<<-EOF`, `<<"EOF"`, `2<<EOF` at the start of a word: a heredoc
// whose name is the word with its quotes removed.
static bool scan_heredoc_marker(Scanner *s, TSLexer *lexer) {
  while (is_digit(lexer->lookahead)) advance(lexer);
  if (lexer->lookahead != '<') return false;
  advance(lexer);
  if (lexer->lookahead != '<') return false;
  advance(lexer);
  bool strip = false;
  if (lexer->lookahead == '-') {
    strip = true;
    advance(lexer);
  }
  char name[MAX_NAME];
  unsigned len = 0;
  int32_t quote = 0;
  while (!lexer->eof(lexer) && !is_newline(lexer->lookahead)) {
    int32_t c = lexer->lookahead;
    if (quote) {
      if (c == quote) {
        quote = 0;
        advance(lexer);
        continue;
      }
    } else {
      if (is_blank(c)) break;
      if (c == '<') return false;
      if (c == '"' || c == '\'') {
        quote = c;
        advance(lexer);
        continue;
      }
      if (c == '\\') {
        advance(lexer);
        c = lexer->lookahead;
        if (is_space(c) || lexer->eof(lexer)) break;
      }
    }
    if (c < 0x80 && len < MAX_NAME) name[len++] = (char)c;
    else if (c >= 0x80) return false;
    else return false;
    advance(lexer);
  }
  if (quote || len == 0 || s->count >= MAX_HEREDOCS) return false;
  Heredoc *h = &s->pending[s->count++];
  h->strip_tabs = strip;
  h->len = (uint8_t)len;
  memcpy(h->name, name, len);
  lexer->result_symbol = HEREDOC_MARKER;
  return true;
}

// Whether the line at the lexer is the terminator of heredoc `h`. Consumes the
// whole line either way.
static bool line_is_terminator(TSLexer *lexer, Heredoc *h) {
  if (h->strip_tabs) {
    while (lexer->lookahead == '\t') advance(lexer);
  }
  unsigned i = 0;
  bool match = true;
  while (!lexer->eof(lexer) && !is_newline(lexer->lookahead)) {
    if (i >= h->len || lexer->lookahead != (unsigned char)h->name[i]) match = false;
    i++;
    advance(lexer);
  }
  while (lexer->lookahead == '\r') {
    advance(lexer);
  }
  bool ends_line = lexer->eof(lexer) || lexer->lookahead == '\n';
  if (lexer->lookahead == '\n') advance(lexer);
  return match && ends_line && i == h->len;
}

static bool scan_heredoc(Scanner *s, TSLexer *lexer, const bool *valid) {
  if (s->count == 0) return false;
  Heredoc *h = &s->pending[0];
  bool body = false;
  for (;;) {
    if (lexer->eof(lexer)) {
      if (body && valid[HEREDOC_BODY]) {
        lexer->result_symbol = HEREDOC_BODY;
        return true;
      }
      return false;
    }
    if (line_is_terminator(lexer, h)) {
      if (body) {
        lexer->result_symbol = HEREDOC_BODY;
        return valid[HEREDOC_BODY];
      }
      if (!valid[HEREDOC_END]) return false;
      lexer->mark_end(lexer);
      s->count--;
      memmove(&s->pending[0], &s->pending[1], s->count * sizeof(Heredoc));
      lexer->result_symbol = HEREDOC_END;
      return true;
    }
    body = true;
    lexer->mark_end(lexer);
  }
}

// An opening `"` only when its closing quote follows on the same logical line; otherwise
// Docker reads the quote as text and so does the grammar.
static bool scan_dq_open(Scanner *s, TSLexer *lexer, const bool *valid, bool skipped) {
  advance(lexer);
  lexer->mark_end(lexer);
  for (;;) {
    if (lexer->eof(lexer) || is_newline(lexer->lookahead)) return false;
    int32_t c = lexer->lookahead;
    if (c == '"') break;
    if (c == s->escape || c == '\\') {
      advance(lexer);
      if (c == s->escape) {
        while (is_blank(lexer->lookahead)) advance(lexer);
        while (lexer->lookahead == '\r') advance(lexer);
        if (lexer->lookahead == '\n') {
          advance(lexer);
          for (;;) {
            while (is_blank(lexer->lookahead)) advance(lexer);
            if (lexer->lookahead == '#' || is_newline(lexer->lookahead)) {
              consume_line(lexer);
              continue;
            }
            break;
          }
          continue;
        }
      }
      if (lexer->eof(lexer) || is_newline(lexer->lookahead)) return false;
      advance(lexer);
      continue;
    }
    advance(lexer);
  }
  if (!skipped && valid[DQ_OPEN_IMM]) {
    lexer->result_symbol = DQ_OPEN_IMM;
    return true;
  }
  if (valid[DQ_OPEN]) {
    lexer->result_symbol = DQ_OPEN;
    return true;
  }
  return false;
}

bool tree_sitter_dockerfile_external_scanner_scan(void *payload, TSLexer *lexer, const bool *valid) {
  Scanner *s = payload;
  bool recovering = valid[ERROR_SENTINEL];

  if (!recovering && s->count > 0 && (valid[HEREDOC_BODY] || valid[HEREDOC_END]) && lexer->get_column(lexer) == 0) {
    return scan_heredoc(s, lexer, valid);
  }

  bool skipped = false;
  while (is_blank(lexer->lookahead)) {
    skip(lexer);
    skipped = true;
  }

  if (valid[LINE_CONTINUATION] && lexer->lookahead == s->escape) {
    if (scan_continuation(s, lexer)) return true;
    // Not a continuation: the lexer resets, let the grammar read the escape.
    return false;
  }

  if (valid[EOL] && (is_newline(lexer->lookahead) || lexer->eof(lexer))) {
    return scan_eol(lexer, !recovering);
  }

  if (recovering) return false;

  if (valid[PARSER_DIRECTIVE] && lexer->lookahead == '#') {
    return scan_directive(s, lexer);
  }

  if (valid[EXEC_FORM_START] && lexer->lookahead == '[') {
    if (scan_exec_form_start(s, lexer)) return true;
    return false;
  }

  if (valid[FROM_EXTRA_WORD] && skipped && !lexer->eof(lexer) && !is_space(lexer->lookahead)) {
    // Any word after the image, except `AS`, which the grammar reads as the keyword.
    char word[3];
    unsigned len = 0;
    while (!lexer->eof(lexer) && !is_space(lexer->lookahead)) {
      if (len < sizeof word) word[len] = (char)lower(lexer->lookahead);
      len++;
      advance(lexer);
    }
    if (len == 2 && word[0] == 'a' && word[1] == 's') return false;
    lexer->result_symbol = FROM_EXTRA_WORD;
    return true;
  }

  if ((valid[DQ_OPEN] || valid[DQ_OPEN_IMM]) && lexer->lookahead == '"') {
    return scan_dq_open(s, lexer, valid, skipped);
  }

  if (valid[HEREDOC_MARKER] && (lexer->lookahead == '<' || is_digit(lexer->lookahead))) {
    if (scan_heredoc_marker(s, lexer)) return true;
    return false;
  }

  if (valid[KW_FROM] || valid[KW_UNKNOWN]) {
    return scan_keyword(lexer);
  }

  return false;
}
