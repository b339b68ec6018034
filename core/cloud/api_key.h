#pragma once
// Where the OpenAI API key comes from: OPENAI_API_KEY when set (it takes precedence),
// otherwise the OS keychain through QtKeychain (Secret Service, KWallet, macOS Keychain,
// Windows Credential Manager). Never from a project file. A machine without a keychain
// service (CI, a bare X server) gets "no key" after a bounded wait, never a hang or an
// error at start: the keychain is only asked when a key is needed.
#include <functional>

#include <QObject>
#include <QString>

namespace tunesmith::cloud {

inline constexpr const char* kKeychainService = "Tunesmith";
inline constexpr const char* kKeychainAccount = "openai-api-key";
inline constexpr int kKeychainTimeoutMs = 3000;

struct KeyLookup {
  QString key;     // "" when none was found
  QString source;  // "environment", "keychain" or ""
  QString note;    // why the keychain gave nothing (no service, timeout, not stored)
};

// True when this build has QtKeychain.
bool keychain_available();

KeyLookup api_key_from_environment();

// Asynchronous keychain read; `done` is called once, on `context`'s thread, within
// about timeout_ms even when the keychain service never answers.
void read_keychain_key(QObject* context, std::function<void(KeyLookup)> done, int timeout_ms = kKeychainTimeoutMs);

// The environment, then the keychain (runs a local event loop for at most timeout_ms).
KeyLookup resolve_api_key(int timeout_ms = kKeychainTimeoutMs);

// Stores (or, with an empty key, deletes) the key in the keychain; `done` is called once,
// within about timeout_ms. Deleting when no key is stored succeeds.
void write_keychain_key(QObject* context, const QString& key, std::function<void(bool ok, QString error)> done,
                        int timeout_ms = kKeychainTimeoutMs);

}  // namespace tunesmith::cloud
