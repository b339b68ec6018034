#pragma once
// Text comparisons for scorers, with the conventions of the usual reference code so the
// numbers mean what readers expect:
//  - normalize_answer: SQuAD's (lower case, punctuation removed, articles a/an/the
//    dropped, whitespace collapsed); exact match and token F1 use it.
//  - rouge_l_f: ROUGE-L F-measure (beta 1) over lower-cased alphanumeric tokens, as
//    Google's rouge-score package without stemming: P = LCS/|answer|, R = LCS/|reference|.
//  - token_f1: SQuAD's F1 over normalized tokens (multiset overlap).
// Bytes >= 0x80 count as word characters, so non-ASCII words stay whole.
#include <string>
#include <string_view>
#include <vector>

namespace tunesmith::eval {

std::string ascii_lower(std::string_view s);
std::string normalize_answer(std::string_view s);
std::vector<std::string> rouge_tokens(std::string_view s);
std::vector<std::string> squad_tokens(std::string_view s);  // normalize_answer, split on spaces

std::size_t lcs_length(const std::vector<std::string>& a, const std::vector<std::string>& b);
double rouge_l_f(std::string_view answer, std::string_view reference);
double token_f1(std::string_view answer, std::string_view reference);

}  // namespace tunesmith::eval
