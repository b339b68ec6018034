#include "tests/text/corpus.h"

#include <random>

namespace tunesmith::test {
namespace {

const std::vector<std::string>& fragments() {
  static const std::vector<std::string> f = {
      // ASCII words, contractions, code, punctuation
      "Hello", "world", " the", " quick brown fox", "I'm", "don't", "he'll", "we've", "they're", "I'd", "IT'S",
      "'s", "'S", "'t", "'ll", "'LL", "'re", "'ve", "'m", "'d", "O'Neil", "rock'n'roll", "'ſ", "'\u212A",
      "int main() { return 0; }", "x+=1;", "if (a && b) || c:", "def f(x):\n    return x**2\n", "<div class=\"a\">",
      "https://example.com/a?b=c&d=e#f", "user@mail.org", "C:\\Windows\\System32", "snake_case_name", "camelCaseName",
      "HTTPServerError", "ALLCAPS", "...", "!!!", "?!", "--", "—", "–", "…", "«quoted»", "\"quoted\"", "(paren)",
      "[1, 2, 3]", "{\"k\": \"v\"}", "#hashtag", "@mention", "$100.00", "50%", "3.14159", "1e-9", "0x1F",
      // whitespace
      " ", "  ", "   ", "    ", "\t", "\t\t", "\n", "\n\n", "\n\n\n", "\r\n", "\r\n\r\n", "\r", " \n ", " \t\n",
      "\u00A0", "\u3000", "\u2028", "\u2029", "\u180E", "\uFEFF", "\u200B", "\u200C", "\u200D", "\u2003", "\u202F",
      "\u0085", "\u000B", "\u000C", "\u001C", "\u001F", "        ", "\t \t \t",
      // digits
      "0", "7", "42", "123", "1234", "12345", "1234567890", "٣٤٥", "१२३४", "１２３", "Ⅻ", "½", "²", "①", "𝟙𝟚",
      // emoji, ZWJ sequences, flags, skin tones, variation selectors
      "😀", "👋🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇫🇷🇯🇵", "❤️", "✊🏿", "🧑‍💻", "😀😀😀", "👍", "🤖", "☃", "⚡",
      // combining marks, normalization-sensitive text
      "e\u0301", "a\u0308\u0304", "Z\u0351\u0358\u0336a\u0322\u0327l\u0315g\u031Bo", "\u212B", "\u2126", "\uF900",
      "\u1112\u1161\u11AB", "한국어", "ﬁ", "ﬀ", "Å", "é", "Ç", "ñ", "İstanbul", "ß", "ẞ", "Σίσυφος", "ΌΣΟΣ", "ǅ",
      // scripts
      "中文字符", "你好，世界！", "日本語のテキスト", "ひらがな", "カタカナ", "漢字かな交じり文", "한글 텍스트",
      "مرحبا بالعالم", "العربية", "שלום עולם", "नमस्ते दुनिया", "हिन्दी", "ภาษาไทย", "Русский текст", "Ελληνικά",
      "Tiếng Việt", "ქართული", "Հայերեն", "বাংলা", "தமிழ்", "ᚠᚢᚦ", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "𐍈", "𓀀",
      // odd code points and text that looks like bytes
      "\uFFFD", "\uFFFF", "\U0010FFFF", "\uE000", "\U000F0000", "\u007F", "\u0001", std::string(1, '\0'), "\u001B[31m",
      "Ã©", "Ã¢â‚¬â„¢", "<0xFF>", "<0x0A>", "\\xff\\xfe", "%C3%A9", "&amp;&#x27;", "▁", "▁▁", "Ġ", "Ċ", "ĠĠ",
      // special tokens of the test tokenizers, typed as text
      "<|begin_of_text|>", "<|end_of_text|>", "<|eot_id|>", "<|start_header_id|>", "<|end_header_id|>",
      "<|reserved_special_token_5|>", "<|im_start|>", "<|im_end|>", "<|endoftext|>", "<think>", "</think>",
      "<tool_call>", "<s>", "</s>", "<unk>", "<bos>", "<eos>", "<pad>", "<start_of_turn>", "<end_of_turn>",
      "<start_of_image>", "<mask>", "[multimodal]", "<|startoftext|>", "<|start|>", "<|message|>", "<|channel|>",
      "<|return|>", "<|call|>", "<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "<｜User｜>", "<｜Assistant｜>",
      "<|EOT|>", "<｜fim▁hole｜>", "<s ", "<|im_start", "|>", "<<s>>", "<s><s>", "</s></s>",
  };
  return f;
}

std::string random_code_point(std::mt19937_64& rng) {
  static const std::pair<char32_t, char32_t> ranges[] = {
      {0x20, 0x7E},     {0xA0, 0x24F},    {0x370, 0x3FF},   {0x400, 0x4FF},  {0x590, 0x5FF},   {0x600, 0x6FF},
      {0x900, 0x97F},   {0xE00, 0xE7F},   {0x1100, 0x11FF}, {0x2000, 0x206F}, {0x2190, 0x22FF}, {0x3040, 0x30FF},
      {0x4E00, 0x9FA5}, {0xAC00, 0xD7A3}, {0xFF00, 0xFFEF}, {0x1F300, 0x1F64F}, {0x1D400, 0x1D7FF}, {0x300, 0x36F}};
  auto& r = ranges[rng() % (sizeof ranges / sizeof ranges[0])];
  char32_t cp = r.first + static_cast<char32_t>(rng() % (r.second - r.first + 1));
  std::string s;
  if (cp < 0x80) s.push_back(static_cast<char>(cp));
  else if (cp < 0x800) { s.push_back(static_cast<char>(0xC0 | (cp >> 6))); s.push_back(static_cast<char>(0x80 | (cp & 0x3F))); }
  else if (cp < 0x10000) {
    s.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    s.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    s.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
  return s;
}

std::string random_mix(std::mt19937_64& rng, std::size_t parts) {
  const auto& f = fragments();
  std::string s;
  for (std::size_t k = 0; k < parts; ++k) {
    switch (rng() % 8) {
      case 0: s += random_code_point(rng); break;
      case 1: s += ' '; [[fallthrough]];
      default: s += f[rng() % f.size()];
    }
  }
  return s;
}

}  // namespace

std::vector<std::string> tokenizer_corpus(uint64_t seed, std::size_t random_count, std::size_t long_count) {
  std::vector<std::string> out = {"", " ", "a", "Hello world", " Hello", "Hello ", "  leading and trailing  "};
  for (const auto& f : fragments()) out.push_back(f);
  // Special tokens glued to text and spaces.
  out.push_back("Hello<|im_end|>world");
  out.push_back(" <s> x");
  out.push_back("x </s>");
  out.push_back("<|begin_of_text|>Hello<|eot_id|>");
  out.push_back("<bos><start_of_turn>user\nHi<end_of_turn>\n");
  out.push_back("<｜begin▁of▁sentence｜>x<｜User｜>y");
  out.push_back("text <think>\nreasoning\n</think>\n\nanswer");
  std::mt19937_64 rng(seed);
  for (std::size_t i = 0; i < random_count; ++i) out.push_back(random_mix(rng, 1 + rng() % 24));
  const std::string long_kinds[] = {"mixed", "spaces", "letters", "digits", "newlines"};
  for (std::size_t i = 0; i < long_count; ++i) {
    const std::string& kind = long_kinds[i % 5];
    std::string s;
    while (s.size() < 100000) {
      if (kind == "mixed") s += random_mix(rng, 16);
      else if (kind == "spaces") s += "    \t ";
      else if (kind == "letters") s += "abcdefghij";
      else if (kind == "digits") s += "1234567890";
      else s += "\n\r\n \n";
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<std::string> benchmark_documents(uint64_t seed, std::size_t bytes) {
  std::mt19937_64 rng(seed);
  static const char* prose[] = {
      "The committee reviewed the proposal and decided to postpone the vote until next week. ",
      "In 2023, revenue grew by 14.5% to $3,210 million, driven by strong demand in Asia. ",
      "She said, \"I'll be there at 10:30, don't worry.\" ",
      "def tokenize(text):\n    return [t for t in text.split() if t]\n\n",
      "Der schnelle braune Fuchs springt über den faulen Hund. ",
      "Le gouvernement a annoncé de nouvelles mesures économiques. ",
      "El rápido zorro marrón salta sobre el perro perezoso. ",
      "Быстрая коричневая лиса прыгает через ленивую собаку. ",
      "敏捷的棕色狐狸跳过了懒狗。今天天气很好，我们去公园散步吧。 ",
      "素早い茶色の狐がのろまな犬を飛び越える。東京は日本の首都です。 ",
      "빠른 갈색 여우가 게으른 개를 뛰어넘습니다. ",
      "الثعلب البني السريع يقفز فوق الكلب الكسول. ",
      "तेज़ भूरी लोमड़ी आलसी कुत्ते के ऊपर कूदती है। ",
      "Emoji: 😀👍🏽🎉 and more ✨ ",
      "    indented line with\ttabs\tand  double  spaces\r\n",
  };
  std::vector<std::string> docs;
  std::size_t total = 0;
  while (total < bytes) {
    std::string d;
    std::size_t target = 2000 + rng() % 6000;
    while (d.size() < target) d += prose[rng() % (sizeof prose / sizeof prose[0])];
    total += d.size();
    docs.push_back(std::move(d));
  }
  return docs;
}

}  // namespace tunesmith::test
