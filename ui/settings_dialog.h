#pragma once
// Settings: OpenAI base URL, API key, default training device, torch threads.
//
// The API key goes to the OS keychain (core/cloud/api_key.h) and only when the user
// types one and saves: never into QSettings or tunesmith.json. Opening the dialog does
// not read the keychain (a start must not trigger a keychain prompt); the other
// settings live in QSettings under the keys below, read with the functions below.
#include <QDialog>

#include <functional>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QSpinBox;

namespace tunesmith::ui {

inline constexpr const char* kSettingBaseUrl = "openai/baseUrl";
inline constexpr const char* kSettingDevice = "train/device";    // "auto", "cpu", "cuda"
inline constexpr const char* kSettingThreads = "train/threads";  // 0 = automatic

QString settings_base_url();       // the OpenAI base URL (the SDK's default when unset)
QString settings_default_device(); // "auto" when unset
int settings_torch_threads();      // 0 = automatic (all cores but one, leaving the UI one)

class SettingsDialog final : public QDialog {
  Q_OBJECT

 public:
  // Stores the key (empty: deletes it). The default writes the keychain; tests pass
  // their own to see what would be stored.
  using KeyStore = std::function<void(const QString& key)>;
  explicit SettingsDialog(QWidget* parent = nullptr, KeyStore store = {});

  void accept() override;  // saves, then closes

 private:
  KeyStore store_;
  QLineEdit* baseUrl_ = nullptr;
  QLineEdit* apiKey_ = nullptr;
  QCheckBox* forgetKey_ = nullptr;
  QComboBox* device_ = nullptr;
  QSpinBox* threads_ = nullptr;
};

}  // namespace tunesmith::ui
