#include "ViewsPlaceholder.h"
