#include "core/cloud/api_key.h"

#include <memory>

#include <QEventLoop>
#include <QTimer>
#include <QtGlobal>

#ifdef TUNESMITH_HAVE_KEYCHAIN
#include <qt6keychain/keychain.h>
#endif

namespace tunesmith::cloud {

bool keychain_available() {
#ifdef TUNESMITH_HAVE_KEYCHAIN
  return true;
#else
  return false;
#endif
}

KeyLookup api_key_from_environment() {
  KeyLookup k;
  const QString v = qEnvironmentVariable("OPENAI_API_KEY").trimmed();
  if (!v.isEmpty()) {
    k.key = v;
    k.source = QStringLiteral("environment");
  }
  return k;
}

namespace {
// Calls `done` exactly once: from the job or from the timer, whichever comes first.
struct Once {
  std::function<void(KeyLookup)> done;
  bool fired = false;
  void fire(KeyLookup k) {
    if (fired) return;
    fired = true;
    done(std::move(k));
  }
};
}  // namespace

void read_keychain_key(QObject* context, std::function<void(KeyLookup)> done, int timeout_ms) {
  auto once = std::make_shared<Once>();
  once->done = std::move(done);
#ifdef TUNESMITH_HAVE_KEYCHAIN
  auto* job = new QKeychain::ReadPasswordJob(QString::fromLatin1(kKeychainService), context);
  job->setAutoDelete(true);
  job->setKey(QString::fromLatin1(kKeychainAccount));
  QObject::connect(job, &QKeychain::Job::finished, context, [once](QKeychain::Job* j) {
    KeyLookup k;
    if (j->error() == QKeychain::NoError) {
      k.key = static_cast<QKeychain::ReadPasswordJob*>(j)->textData().trimmed();
      if (!k.key.isEmpty()) k.source = QStringLiteral("keychain");
    } else if (j->error() == QKeychain::EntryNotFound) {
      k.note = QStringLiteral("no key stored in the keychain");
    } else {
      k.note = QStringLiteral("keychain unavailable: ") + j->errorString();
    }
    once->fire(std::move(k));
  });
  QTimer::singleShot(timeout_ms, context, [once] {
    KeyLookup k;
    k.note = QStringLiteral("the keychain service did not answer");
    once->fire(std::move(k));
  });
  job->start();
#else
  Q_UNUSED(timeout_ms);
  QTimer::singleShot(0, context, [once] {
    KeyLookup k;
    k.note = QStringLiteral("this build has no keychain support");
    once->fire(std::move(k));
  });
#endif
}

KeyLookup resolve_api_key(int timeout_ms) {
  KeyLookup env = api_key_from_environment();
  if (!env.key.isEmpty()) return env;
  QObject context;
  QEventLoop loop;
  KeyLookup out;
  bool done = false;
  read_keychain_key(&context, [&](KeyLookup k) {
    out = std::move(k);
    done = true;
    loop.quit();
  }, timeout_ms);
  if (!done) loop.exec();
  return out;
}

void write_keychain_key(QObject* context, const QString& key, std::function<void(bool, QString)> done,
                        int timeout_ms) {
  auto fired = std::make_shared<bool>(false);
  auto finish = [fired, done = std::move(done)](bool ok, QString err) {
    if (*fired) return;
    *fired = true;
    done(ok, std::move(err));
  };
#ifdef TUNESMITH_HAVE_KEYCHAIN
  QKeychain::Job* job = nullptr;
  if (key.isEmpty()) {
    auto* del = new QKeychain::DeletePasswordJob(QString::fromLatin1(kKeychainService), context);
    del->setKey(QString::fromLatin1(kKeychainAccount));
    job = del;
  } else {
    auto* w = new QKeychain::WritePasswordJob(QString::fromLatin1(kKeychainService), context);
    w->setKey(QString::fromLatin1(kKeychainAccount));
    w->setTextData(key);
    job = w;
  }
  job->setAutoDelete(true);
  const bool deleting = key.isEmpty();
  QObject::connect(job, &QKeychain::Job::finished, context, [finish, deleting](QKeychain::Job* j) {
    // Deleting a key that is not there leaves the wanted state: no key stored.
    const bool ok = j->error() == QKeychain::NoError || (deleting && j->error() == QKeychain::EntryNotFound);
    finish(ok, ok ? QString() : j->errorString());
  });
  QTimer::singleShot(timeout_ms, context,
                     [finish] { finish(false, QStringLiteral("the keychain service did not answer")); });
  job->start();
#else
  Q_UNUSED(key);
  Q_UNUSED(timeout_ms);
  QTimer::singleShot(0, context, [finish] { finish(false, QStringLiteral("this build has no keychain support")); });
#endif
}

}  // namespace tunesmith::cloud
