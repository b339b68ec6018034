#include "core/train/lora.h"
