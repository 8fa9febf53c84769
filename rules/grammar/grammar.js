/**
 * @file Dockerfile grammar for tree-sitter, written for dflint from Docker's Dockerfile reference.
 *
 * The external scanner (src/scanner.c) owns everything that depends on state the
 * lexer cannot see: the escape character set by `# escape=`, line continuations
 * (with the comment and blank lines BuildKit skips inside them), heredoc bodies,
 * instruction keywords in any case, the end of a line, and the choice between
 * exec form (a valid JSON string array) and shell form.
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

const INSTRUCTIONS = [
  'from', 'run', 'cmd', 'label', 'maintainer', 'expose', 'env', 'add', 'copy',
  'entrypoint', 'volume', 'user', 'workdir', 'arg', 'onbuild', 'stopsignal',
  'healthcheck', 'shell',
];

/** A case-insensitive keyword as a regular expression. */
function ci(word) {
  return new RegExp(
    word
      .split('')
      .map((c) => (/[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c))
      .join(''),
  );
}

// Characters that end an unquoted fragment: whitespace, quotes, `$`, and the two
// possible escape characters (an escape followed by a non-blank stays inside).
// `\x` pairs (an escaped space included) stay inside a word; a backtick does not
// swallow a following backslash, which may be the line's continuation.
const UNQUOTED = /([^\s"'$\\`]|\\[^\s]|\\[ \t]+[^\s\\`]|`[^\s\\])+/;
// A key is one token: a continuation right after it never glues the next line onto it.
const KEY = /([^\s"'=\\`]|\\[^\s]|\\[ \t]+[^\s\\`]|`[^\s\\]|"([^"\\\r\n]|\\[^\r\n])*"|'[^'\r\n]*')+/;
// A lone escape character that is not a continuation (a trailing `\` when the escape is a
// backtick), or a quote that is never closed on its line: Docker reads both as text.
const LONE_ESCAPE = /[\\`'"]/;

module.exports = grammar({
  name: 'dockerfile',

  externals: ($) => [
    $._eol,
    $.line_continuation,
    $.parser_directive,
    $._exec_form_start,
    $.heredoc_marker,
    $.heredoc_body,
    $.heredoc_end,
    ...INSTRUCTIONS.map((i) => $[`_kw_${i}`]),
    $._kw_unknown,
    $._dq_open,
    $._dq_open_imm,
    $._from_extra_word,
    $._error_sentinel,
  ],

  extras: ($) => [/[ \t\f\v]+/, $.line_continuation],

  conflicts: ($) => [],

  rules: {
    source_file: ($) =>
      seq(
        optional($.byte_order_mark),
        repeat(seq($.parser_directive, $._eol)),
        repeat(choice($._instruction_line, $.comment_line, $._blank_line)),
      ),

    byte_order_mark: (_) => '\uFEFF',

    _blank_line: (_) => /\r?\n/,

    comment_line: ($) => seq($.comment, $._eol),
    comment: (_) => token(seq('#', /[^\r\n]*/)),

    _instruction_line: ($) =>
      seq($._instruction, $._eol, repeat($.heredoc)),

    heredoc: ($) => seq(optional($.heredoc_body), $.heredoc_end),

    _instruction: ($) =>
      choice(
        $.from_instruction,
        $.run_instruction,
        $.cmd_instruction,
        $.label_instruction,
        $.maintainer_instruction,
        $.expose_instruction,
        $.env_instruction,
        $.add_instruction,
        $.copy_instruction,
        $.entrypoint_instruction,
        $.volume_instruction,
        $.user_instruction,
        $.workdir_instruction,
        $.arg_instruction,
        $.onbuild_instruction,
        $.stopsignal_instruction,
        $.healthcheck_instruction,
        $.shell_instruction,
        $.unknown_instruction,
      ),

    // ---- instructions -------------------------------------------------------

    from_instruction: ($) =>
      seq(
        kw($, 'from'),
        repeat($.flag),
        optional(
          seq(
            field('image', $.image_spec),
            // Docker's parser accepts more words (the build then fails): the scanner gives them
            // only after a blank, so they never steal the rest of an image name such as `${REG}/app`.
            choice(
              seq(
                field('as', alias(token(prec(1, ci('as'))), 'AS')),
                optional(seq(field('name', $.stage_name), repeat($._from_extra))),
              ),
              repeat($._from_extra),
            ),

          ),
        ),
      ),

    run_instruction: ($) =>
      seq(kw($, 'run'), repeat($.flag), optional(choice($.exec_form, $._run_shell_command))),

    // Only RUN (and COPY/ADD through their paths) may open heredocs.
    _run_shell_command: ($) =>
      alias(repeat1(choice($.shell_fragment, $.heredoc_marker)), $.shell_command),

    cmd_instruction: ($) =>
      seq(kw($, 'cmd'), repeat($.flag), optional(choice($.exec_form, $.shell_command))),

    entrypoint_instruction: ($) =>
      seq(kw($, 'entrypoint'), repeat($.flag), optional(choice($.exec_form, $.shell_command))),

    shell_instruction: ($) =>
      seq(kw($, 'shell'), repeat($.flag), optional(choice($.exec_form, $.shell_command))),

    add_instruction: ($) =>
      seq(kw($, 'add'), repeat($.flag), optional(choice($.exec_form, repeat1($._path_or_heredoc)))),

    copy_instruction: ($) =>
      seq(kw($, 'copy'), repeat($.flag), optional(choice($.exec_form, repeat1($._path_or_heredoc)))),

    volume_instruction: ($) =>
      seq(kw($, 'volume'), repeat($.flag), optional(choice($.exec_form, repeat1($.path)))),

    label_instruction: ($) =>
      seq(kw($, 'label'), repeat($.flag), optional(choice(repeat1($.key_value), $.legacy_key_value))),

    env_instruction: ($) =>
      seq(kw($, 'env'), repeat($.flag), optional(choice(repeat1($.key_value), $.legacy_key_value))),

    arg_instruction: ($) => seq(kw($, 'arg'), repeat($.flag), repeat($.arg_declaration)),

    maintainer_instruction: ($) => seq(kw($, 'maintainer'), repeat($.flag), repeat($.word)),
    expose_instruction: ($) => seq(kw($, 'expose'), repeat($.flag), repeat($.word)),
    user_instruction: ($) => seq(kw($, 'user'), repeat($.flag), repeat($.word)),
    workdir_instruction: ($) => seq(kw($, 'workdir'), repeat($.flag), repeat($.path)),
    stopsignal_instruction: ($) => seq(kw($, 'stopsignal'), repeat($.flag), repeat($.word)),

    onbuild_instruction: ($) =>
      seq(kw($, 'onbuild'), repeat($.flag), optional(field('instruction', $._instruction))),

    healthcheck_instruction: ($) =>
      seq(
        kw($, 'healthcheck'),
        repeat($.flag),
        optional(
          choice(
            field('none', alias(token(prec(1, ci('none'))), 'NONE')),
            seq(field('type', alias(/[^\s\[]+/, $.healthcheck_type)), optional($.shell_command)),
            seq(
              field('cmd', alias(token(prec(1, ci('cmd'))), 'CMD')),
              optional(choice($.exec_form, $.shell_command)),
            ),
          ),
        ),
      ),

    unknown_instruction: ($) =>
      seq(field('keyword', alias($._kw_unknown, $.keyword)), optional($.shell_command)),

    _from_extra: ($) => field('extra', alias($._from_extra_word, $.word)),

    // ---- flags --------------------------------------------------------------

    // A bare `--` ends the flags, as in BuildKit.
    flag: ($) =>
      seq(
        token(prec(2, '--')),
        optional(seq(
        field('name', alias(token.immediate(prec(3, /[A-Za-z0-9][A-Za-z0-9_-]*/)), $.flag_name)),
        optional(
          seq(token.immediate(prec(2, '=')), optional(field('value', $.flag_value))),
        ),
        )),
      ),

    flag_value: ($) =>
      seq(
        choice($._imm_unquoted, $._imm_double_quoted, $._imm_single_quoted, $._imm_expansion),
        repeat(choice($._imm_unquoted, $._imm_double_quoted, $._imm_single_quoted, $._imm_expansion)),
      ),

    // ---- FROM ---------------------------------------------------------------

    image_spec: ($) =>
      seq(
        field('name', $.image_name),
        optional(seq(token.immediate(prec(2, ':')), field('tag', $.image_tag))),
        optional(seq(token.immediate(prec(2, '@')), field('digest', $.image_digest))),
      ),

    // A registry port (`host:5000/`) belongs to the name, not the tag.
    image_name: ($) =>
      seq(
        choice(/[^\s:@$-]([^\s:@$]|:[0-9]+\/)*/, $.expansion),
        repeat(choice(token.immediate(prec(2, /([^\s:@$]|:[0-9]+\/)+/)), $._imm_expansion)),
      ),
    image_tag: ($) =>
      repeat1(choice(token.immediate(prec(2, /[^\s@$]+/)), $._imm_expansion)),
    image_digest: ($) =>
      repeat1(choice(token.immediate(prec(2, /[^\s$]+/)), $._imm_expansion)),

    stage_name: (_) => /[^\s]+/,

    // ---- exec form ----------------------------------------------------------

    exec_form: ($) =>
      seq(
        alias($._exec_form_start, '['),
        optional(seq($.json_string, repeat(seq(',', $.json_string)))),
        ']',
        optional(field('trailing', $.shell_command)),
      ),

    json_string: ($) =>
      seq(
        '"',
        repeat(
          choice(
            token.immediate(prec(1, /[^"\\\r\n]+/)),
            $.escape_sequence,
          ),
        ),
        token.immediate('"'),
      ),

    escape_sequence: (_) =>
      token.immediate(/\\(["\\\/bfnrt]|u[0-9a-fA-F]{4})/),

    // ---- shell form ---------------------------------------------------------

    // Docker does not expand variables in shell form: the shell does. The
    // fragments are kept whole-word where possible so heredoc markers are only
    // recognised at the start of a word, as BuildKit does.
    shell_command: ($) => repeat1($.shell_fragment),

    shell_fragment: (_) =>
      choice(
        token(/([^\s"'\\`]|\\[^\s]|`[^\s\\]|"([^"\\\r\n]|\\[^\s]|\\[ \t]+[^\s\\`])*"|'[^'\r\n]*')+/),
        token(prec(-1, /["'\\`]/)),
      ),

    // ---- words, paths, pairs ------------------------------------------------

    _path_or_heredoc: ($) => choice($.path, $.heredoc_marker),

    path: ($) => $._word_parts,
    word: ($) => $._word_parts,

    _word_parts: ($) =>
      seq(
        choice($._unquoted, $.double_quoted_string, $.single_quoted_string, $.expansion),
        repeat(choice($._imm_unquoted, $._imm_double_quoted, $._imm_single_quoted, $._imm_expansion)),
      ),

    key_value: ($) =>
      seq(
        field('key', $.key),
        token.immediate(prec(2, '=')),
        optional(field('value', $.value)),
      ),

    legacy_key_value: ($) =>
      seq(field('key', $.key), field('value', $.legacy_value)),

    key: (_) => token(prec(-1, KEY)),

    value: ($) =>
      seq(
        choice($._imm_unquoted, $._imm_double_quoted, $._imm_single_quoted, $._imm_expansion),
        repeat(choice($._imm_unquoted, $._imm_double_quoted, $._imm_single_quoted, $._imm_expansion)),
      ),

    legacy_value: ($) => repeat1($._word_parts),

    arg_declaration: ($) =>
      seq(
        field('name', alias(token(prec(-1, /[^\s=]+/)), $.variable_name)),
        optional(seq(token.immediate(prec(2, '=')), optional(field('default', $.value)))),
      ),

    _unquoted: ($) =>
      alias(choice(UNQUOTED, token(prec(-1, '$')), token(prec(-1, LONE_ESCAPE))), $.unquoted_string),
    _imm_unquoted: ($) =>
      alias(
        choice(token.immediate(UNQUOTED), token.immediate(prec(-1, '$')), token.immediate(prec(-1, LONE_ESCAPE))),
        $.unquoted_string,
      ),

    double_quoted_string: ($) =>
      seq(alias($._dq_open, '"'), repeat($._double_quoted_content), token.immediate('"')),
    _imm_double_quoted: ($) => alias($._imm_double_quoted_seq, $.double_quoted_string),
    _imm_double_quoted_seq: ($) =>
      seq(alias($._dq_open_imm, '"'), repeat($._double_quoted_content), token.immediate('"')),
    _double_quoted_content: ($) =>
      choice(
        alias(token.immediate(prec(1, /([^"$\\`\r\n]|[\\`][^\s]|[\\`][ \t]+[^\s\\`])+/)), $.string_content),
        alias(token.immediate(prec(1, /[\\`]/)), $.string_content),
        alias(token.immediate(prec(-1, '$')), $.string_content),
        $._imm_expansion,
      ),

    single_quoted_string: (_) => /'[^'\r\n]*'/,
    _imm_single_quoted: ($) =>
      alias(token.immediate(/'[^'\r\n]*'/), $.single_quoted_string),

    // ---- variables ----------------------------------------------------------

    // `$NAME` is one token (its name is the text after `$`); `${NAME...}` has parts.
    expansion: ($) => choice(/\$[A-Za-z_][A-Za-z0-9_]*/, seq('${', $._braced_body)),
    _imm_expansion: ($) =>
      choice(
        alias(token.immediate(/\$[A-Za-z_][A-Za-z0-9_]*/), $.expansion),
        alias($._imm_braced_expansion, $.expansion),
      ),
    _imm_braced_expansion: ($) => seq(token.immediate('${'), $._braced_body),

    _braced_body: ($) =>
      seq(
        alias(token.immediate(/[A-Za-z_][A-Za-z0-9_]*/), $.variable),
        optional(
          seq(
            field('operator', alias(token.immediate(/:?[-+?=]|##?|%%?|\/\/?|:/), $.operator)),
            optional(field('argument', $.modifier_value)),
          ),
        ),
        token.immediate('}'),
      ),

    modifier_value: ($) =>
      repeat1(
        choice(
          token.immediate(prec(1, /([^}$\\`\r\n]|[\\`][^\r\n])+/)),
          $._imm_expansion,
        ),
      ),
  },
});

/** The keyword of an instruction, from the external scanner, as a visible `keyword` node. */
function kw($, name) {
  return field('keyword', alias($[`_kw_${name}`], $.keyword));
}
