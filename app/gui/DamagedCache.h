#pragma once

#include <QString>

class QWidget;

namespace seam {

enum class DamagedCacheChoice
{
    OpenReadOnly,
    Recover,
    Cancel,
};

/// Asks what to do with a cache found damaged on opening (modal). The buttons have object names
/// "openReadOnly", "recover" and "cancel".
DamagedCacheChoice askAboutDamagedCache(QWidget* parent, const QString& path, const QString& damage);

} // namespace seam
