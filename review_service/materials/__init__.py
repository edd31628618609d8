"""Application materials (申报材料): uploads, HR's 资格审核 per material, downloads."""
