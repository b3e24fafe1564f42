#pragma once

#include "BackgroundLoaderBase.h"
#include "Store.h"

#include <memory>
#include <string>
#include <utility>

namespace seam {

/// Reads `Data` for the latest `Request` off the GUI thread: every view's loader is one of these.
///
/// `Data` is a plain struct with a pure `static Data load(Database&, const Request&)` (or a `load`
/// callable with those arguments); `Request` is what a job needs to know (a page-load id, or a struct
/// of parameters with a defaulted operator==), copied to the worker. A request equal to `Request{}`
/// (no page load) cancels instead: nothing is delivered for it. Results arrive on the loader's thread
/// as `std::shared_ptr<const Data>`; see BackgroundLoaderBase for the threading and staleness rules.
template<typename Data, typename Request> class BackgroundLoader : public BackgroundLoaderBase
{
public:
    using DataType = Data;
    using RequestType = Request;

    explicit BackgroundLoader(const QString& cachePath, QObject* parent = nullptr)
        : BackgroundLoaderBase(cachePath, parent)
    {}

    /// Starts reading `request`, replacing a waiting one; `Request{}` cancels.
    void load(Request request)
    {
        if (request == Request{}) {
            cancel();
            return;
        }
        start([request = std::move(request)](Database& db) {
            return QVariant::fromValue(std::make_shared<const Data>(Data::load(db, request)));
        });
    }

    /// Calls `f(std::shared_ptr<const Data>)` with each delivered result while `context` lives.
    template<typename F> QMetaObject::Connection onLoaded(const QObject* context, F f)
    {
        return QObject::connect(
            this, &BackgroundLoaderBase::loaded, context,
            [f = std::move(f)](const QVariant& data) { f(data.value<std::shared_ptr<const Data>>()); });
    }

    /// The work of one job, on the calling thread (tests and benchmarks). Throws SqliteError.
    static Data loadNow(const std::string& cachePath, const Request& request)
    {
        Database db = store::openForReading(cachePath);
        return Data::load(db, request);
    }
};

} // namespace seam
